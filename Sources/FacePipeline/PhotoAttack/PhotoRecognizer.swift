import FaceNets
import Foundation

/// The face recognizer a photo attack fools, loaded with its weights.
public enum PhotoRecognizer: Sendable {
  /// A keras-vggface classifier: faces are box crops resized to 224x224; the attack changes the
  /// top-1 name.
  case vggFace(VGGFaceRecognizer, name: VGGFaceModelName)
  /// dlib's face descriptor: faces are aligned 150x150 chips; the attack moves the descriptor.
  case dlib(DlibFaceEmbedder)

  /// The recognizer's name (`vggface2-resnet50`, `dlib-resnet`).
  public var name: RecognizerName {
    switch self {
    case .vggFace(_, let name): return name.recognizerName
    case .dlib: return .dlibResNet
    }
  }

  /// The recognizer's name as text (`name.rawValue`).
  public var modelName: String { name.rawValue }

  /// The side of the model's square input in pixels (224 or 150).
  public var inputSide: Int {
    switch self {
    case .vggFace: return VGGFaceArchitecture.inputSize
    case .dlib(let embedder): return embedder.resNet.chipSize
    }
  }

  /// Loads the keras-vggface classifier `name` (see `VGGFaceRecognizer.load`).
  /// - Throws: `PipelineError.modelFileNotFound` (with how to get the file), or the error of
  ///   the file that cannot be used.
  public static func loadVGGFace(
    _ name: VGGFaceModelName, weights: URL? = nil, labels: URL? = nil, directory: ModelDirectory
  ) throws(PipelineError) -> PhotoRecognizer {
    .vggFace(
      try VGGFaceRecognizer.load(name, weights: weights, labels: labels, directory: directory),
      name: name)
  }

  /// Loads dlib's face-recognition ResNet and 5-point shape predictor from `directory` (see
  /// `DlibFaceEmbedder.init(models:allowingApproximateAlignment:)`).
  /// - Throws: `PipelineError.modelFileNotFound` (with how to get the file) or
  ///   `.unusableDlibModel`.
  public static func loadDlib(
    directory: ModelDirectory, allowingApproximateAlignment: Bool = false
  ) throws(PipelineError) -> PhotoRecognizer {
    .dlib(
      try DlibFaceEmbedder(
        models: directory, allowingApproximateAlignment: allowingApproximateAlignment))
  }

  /// Loads the recognizer `name`: a keras-vggface classifier from `weights` and `labels` when
  /// given, else from `directory`; dlib's ResNet from `directory` (with
  /// `allowingApproximateAlignment` as `loadDlib` takes it; the classifiers ignore it).
  /// - Throws: as `loadVGGFace` and `loadDlib`; `.optionDoesNotApply` for weights or labels
  ///   files with dlib.
  public static func load(
    _ name: RecognizerName, weights: URL? = nil, labels: URL? = nil, directory: ModelDirectory,
    allowingApproximateAlignment: Bool = false
  ) throws(PipelineError) -> PhotoRecognizer {
    try check(name, weights: weights, labels: labels)
    guard let vggFace = name.vggFace else {
      return try loadDlib(
        directory: directory, allowingApproximateAlignment: allowingApproximateAlignment)
    }
    return try loadVGGFace(vggFace, weights: weights, labels: labels, directory: directory)
  }

  /// Checks that explicit weights and labels files are given only to a classifier (dlib's files
  /// are found in the model folder).
  /// - Throws: `PipelineError.optionDoesNotApply` (`weights` or `labels`).
  public static func check(_ name: RecognizerName, weights: URL?, labels: URL?)
    throws(PipelineError)
  {
    guard name.comparesDescriptors else { return }
    if weights != nil { throw .optionDoesNotApply(name: "weights", model: name) }
    if labels != nil { throw .optionDoesNotApply(name: "labels", model: name) }
  }
}
