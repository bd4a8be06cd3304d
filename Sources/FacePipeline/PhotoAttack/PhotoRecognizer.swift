import FaceNets
import Foundation

/// The face recognizer a photo attack fools, loaded with its weights.
public enum PhotoRecognizer: Sendable {
  /// A keras-vggface classifier: faces are box crops resized to 224x224; the attack changes the
  /// top-1 name.
  case vggFace(VGGFaceRecognizer, name: VGGFaceModelName)
  /// dlib's face descriptor: faces are aligned 150x150 chips; the attack moves the descriptor.
  case dlib(DlibFaceEmbedder)

  /// The model's name as the CLI spells it (`vggface2-resnet50`, `dlib-resnet`).
  public var modelName: String {
    switch self {
    case .vggFace(_, let name): return name.rawValue
    case .dlib: return "dlib-resnet"
    }
  }

  /// The side of the model's square input in pixels (224 or 150).
  public var inputSide: Int {
    switch self {
    case .vggFace: return VGGFaceArchitecture.inputSize
    case .dlib(let embedder): return embedder.resNet.chipSize
    }
  }

  /// Loads the keras-vggface classifier `name` (see `VGGFaceRecognizer.load`).
  /// - Throws: `PhotoAttackError.missingWeights` (with how to get the file) or `.unusableModel`.
  public static func loadVGGFace(
    _ name: VGGFaceModelName, weights: URL? = nil, labels: URL? = nil, directory: ModelDirectory
  ) throws(PhotoAttackError) -> PhotoRecognizer {
    do {
      return .vggFace(
        try VGGFaceRecognizer.load(name, weights: weights, labels: labels, directory: directory),
        name: name)
    } catch {
      throw PhotoRecognizer.loadingError(error)
    }
  }

  /// Loads dlib's face-recognition ResNet and 5-point shape predictor from `directory` (see
  /// `DlibFaceEmbedder.init(models:)`).
  /// - Throws: `PhotoAttackError.missingWeights` (with how to get the file) or `.unusableModel`.
  public static func loadDlib(directory: ModelDirectory) throws(PhotoAttackError)
    -> PhotoRecognizer
  {
    do {
      return .dlib(try DlibFaceEmbedder(models: directory))
    } catch {
      throw PhotoRecognizer.loadingError(error)
    }
  }

  private static func loadingError(_ error: any Error) -> PhotoAttackError {
    if let missing = error as? ModelFileError { return .missingWeights(message: "\(missing)") }
    return .unusableModel(message: "\(error)")
  }
}

/// What a photo attack tries to make the recognizer do.
public enum PhotoAttackGoal: Sendable, Equatable {
  /// Classifier: any top-1 name but the clean photo's.
  case untargeted
  /// Classifier: this name (matched as `ClassLabels.index(matching:)` matches) as the top-1.
  case targeted(name: String)
  /// Descriptor: a descriptor farther than the threshold from the clean face's.
  case dodge
  /// Descriptor: a descriptor within the threshold of the largest face in the photo at `photo`.
  case impersonate(photo: URL)

  /// How the CLI asks for the goal (`--target NAME`, `--dodge`, ...), for messages.
  var optionName: String {
    switch self {
    case .untargeted: return "an untargeted attack"
    case .targeted: return "--target"
    case .dodge: return "--dodge"
    case .impersonate: return "--impersonate"
    }
  }
}
