import Foundation

/// The identities of the faces in photo files, by a keras-vggface classifier: what `identify`
/// needs, with FacePipeline's errors.
public struct PhotoIdentifier: Sendable {
  /// The classifier with its labels.
  public let recognizer: VGGFaceRecognizer
  /// The face detector, or nil to take each whole photo as one face.
  public let detector: MTCNN?

  /// Loads the classifier `model` (see `VGGFaceRecognizer.load`), with MTCNN's bundled weights
  /// when `detectFaces`.
  /// - Throws: `PipelineError` as `VGGFaceRecognizer.load`; `.unusableDetector`.
  public init(
    model: VGGFaceModelName, weights: URL? = nil, labels: URL? = nil, directory: ModelDirectory,
    detectFaces: Bool = true
  ) throws(PipelineError) {
    recognizer = try VGGFaceRecognizer.load(
      model, weights: weights, labels: labels, directory: directory)
    do {
      detector = detectFaces ? try MTCNN() : nil
    } catch {
      throw .unusableDetector(error)
    }
  }

  /// Checks how many identities a face may list.
  /// - Throws: `PipelineError.invalidOption` (`top`) below 1.
  public static func check(top: Int) throws(PipelineError) {
    guard top >= 1 else { throw .invalidOption(name: "top", value: "\(top)", rule: "at least 1") }
  }

  /// The `top` most probable identities of every face of the photo at `url` (of the whole
  /// photo without a detector), faces in the detector's order.
  /// - Throws: `PipelineError.invalidOption` for `top` below 1, `.unreadableImage`.
  public func identify(photoAt url: URL, top: Int) throws(PipelineError) -> [FaceIdentification] {
    try Self.check(top: top)
    let photo = try PhotoFile.read(url)
    let boxes = detector.map { $0.detect(in: photo).map(\.reportedBox) }
    return recognizer.identify(photo, boxes: boxes, top: top)
  }
}
