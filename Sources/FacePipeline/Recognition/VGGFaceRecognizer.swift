import FaceNets
import FaceTensor
import Foundation

/// A keras-vggface classifier with the names of its classes: faces in, top-K names with their
/// probabilities out.
public struct VGGFaceRecognizer: Sendable {
  /// The network and weights (with a classifier).
  public let model: VGGFaceModel
  /// The class names, one per class of the classifier.
  public let labels: ClassLabels

  /// A recognizer from a loaded model and labels; `weightsFile` names the weights in errors.
  /// - Throws: `PipelineError.noClassifier` for a "notop" model, `.labelCountMismatch` when the
  ///   labels do not name every class.
  public init(model: VGGFaceModel, labels: ClassLabels, weightsFile: String) throws(PipelineError) {
    guard let classes = model.classCount else {
      throw .noClassifier(weights: weightsFile, layer: model.architecture.classifierLayer)
    }
    guard classes == labels.count else {
      throw .labelCountMismatch(
        labels: labels.source, labelCount: labels.count, weights: weightsFile, classCount: classes)
    }
    self.model = model
    self.labels = labels
  }

  /// Loads the model `name` and its labels: from `weights` / `labels` when given, else the
  /// catalog files found along `directory`'s search path.
  /// - Throws: `PipelineError.modelFileNotFound` (with how to get the file),
  ///   `.unusableWeights`, `.unusableLabels`, `.noClassifier`, `.labelCountMismatch`.
  public static func load(
    _ name: VGGFaceModelName, weights: URL? = nil, labels: URL? = nil, directory: ModelDirectory
  ) throws(PipelineError) -> VGGFaceRecognizer {
    let weightsURL = try file(weights, orCatalogEntry: name.weightsEntry, in: directory)
    let labelsURL = try file(labels, orCatalogEntry: name.labelsEntry, in: directory)
    let classLabels: ClassLabels
    do {
      classLabels = try ClassLabels(contentsOf: labelsURL)
    } catch {
      throw .unusableLabels(error)
    }
    let model: VGGFaceModel
    do {
      model = try VGGFaceModel(architecture: name.architecture, contentsOf: weightsURL)
    } catch {
      throw .unusableWeights(error)
    }
    return try VGGFaceRecognizer(model: model, labels: classLabels, weightsFile: weightsURL.path)
  }

  /// `given`, else the catalog file `entry` found along `directory`'s search path.
  private static func file(
    _ given: URL?, orCatalogEntry entry: ModelCatalogEntry, in directory: ModelDirectory
  ) throws(PipelineError) -> URL {
    if let given { return given }
    return try directory.locate(
      entry.fileName, howToGet: ModelCatalog.howToGet(entry, folder: directory.writableFolder))
  }

  /// The `top` most probable classes of each image, most probable first (ties in class order).
  /// - Parameter images: RGB `[N, 224, 224, 3]` in 0...255 (`RecognitionInput.faceTensor`).
  /// - Returns: one list per image, each of `min(top, classCount)` predictions.
  /// - Precondition: `top >= 1`.
  public func predictions(for images: Tensor, top: Int) -> [[ClassPrediction]] {
    precondition(top >= 1, "[VGGFaceRecognizer] top must be at least 1, got \(top)")
    return model.logits(for: images).topSoftmax(count: top).map { classes in
      classes.map {
        ClassPrediction(
          index: $0.index, label: labels.displayName(at: $0.index), probability: $0.probability)
      }
    }
  }
}

/// A face and the recognizer's top guesses for it.
public struct FaceIdentification: Sendable, Equatable {
  /// Where the face is in the photo, or nil when the whole photo was used as the face.
  public let box: PixelBox?
  /// The most probable classes, most probable first.
  public let predictions: [ClassPrediction]

  /// A face at `box` with its predictions.
  public init(box: PixelBox?, predictions: [ClassPrediction]) {
    self.box = box
    self.predictions = predictions
  }
}

extension VGGFaceRecognizer {
  /// The top guesses for each face of `image`.
  ///
  /// The faces are those in `boxes` (cropped and resized as
  /// `RecognitionInput.faceTensor` does; a box wholly outside the image is skipped), or the whole
  /// image as one face when `boxes` is nil. All faces go through the network as one batch.
  /// - Precondition: `top >= 1`.
  public func identify(_ image: RGBImage, boxes: [PixelBox]?, top: Int) -> [FaceIdentification] {
    let side = VGGFaceArchitecture.inputSize
    var faces: [(box: PixelBox?, input: Tensor)] = []
    for box in boxes.map({ $0.map(Optional.some) }) ?? [nil] {
      if let input = RecognitionInput.faceTensor(from: image, box: box, side: side) {
        faces.append((box, input))
      }
    }
    guard !faces.isEmpty else { return [] }
    var scalars: [Float] = []
    scalars.reserveCapacity(faces.count * side * side * 3)
    for face in faces { scalars += face.input.scalars }
    let batch = Tensor(shape: [faces.count, side, side, 3], scalars: scalars)
    return zip(faces, predictions(for: batch, top: top)).map {
      FaceIdentification(box: $0.box, predictions: $1)
    }
  }
}

extension VGGFaceRecognizer {
  /// `identify(_:boxes:top:)` on the photo (JPEG or PNG) at `url`.
  /// - Throws: `PipelineError.unreadableImage` when the photo cannot be read.
  public func identify(photoAt url: URL, boxes: [PixelBox]?, top: Int) throws(PipelineError)
    -> [FaceIdentification]
  {
    identify(try PhotoFile.read(url), boxes: boxes, top: top)
  }
}
