import Foundation

/// dlib's face descriptors of the faces in photo files, and whether two faces are the same
/// person: what `embed` and `verify` need, with FacePipeline's errors.
public struct PhotoEmbedder: Sendable {
  /// Alignment and the descriptor network.
  public let embedder: DlibFaceEmbedder
  /// The face detector, or nil to take each image as an aligned chip.
  public let detector: MTCNNFaceDetector?

  /// Loads dlib's models from `directory` (see
  /// `DlibFaceEmbedder.init(models:allowingApproximateAlignment:)`), with MTCNN's bundled weights
  /// when `detectFaces`.
  /// - Throws: `PipelineError.modelFileNotFound` (also for a missing shape predictor unless
  ///   `allowingApproximateAlignment`), `.unusableDlibModel`, `.unusableDetector`.
  public init(
    directory: ModelDirectory, detectFaces: Bool = true, allowingApproximateAlignment: Bool = false
  ) throws(PipelineError) {
    embedder = try DlibFaceEmbedder(
      models: directory, allowingApproximateAlignment: allowingApproximateAlignment)
    detector = detectFaces ? try MTCNNFaceDetector() : nil
  }

  /// Every face of the photo at `url` with its descriptor, in the detector's order (the whole
  /// image as one chip without a detector).
  /// - Throws: `PipelineError.unreadableImage`, `.noLandmarks`.
  public func embed(photoAt url: URL) throws(PipelineError) -> [EmbeddedFace] {
    try embedder.embedFaces(inImageAt: url, detector: detector)
  }

  /// The descriptor of face `index` of the photo at `url` (default: the largest face).
  /// - Throws: `PipelineError.noFace`, `.faceIndexOutOfRange`, and the errors of `embed`.
  public func descriptor(ofFace index: Int?, inPhotoAt url: URL) throws(PipelineError)
    -> [Float]
  {
    let faces = try embed(photoAt: url)
    guard let largest = DlibFaceEmbedder.largestFace(of: faces) else {
      throw .noFace(image: url.path)
    }
    let chosen = index ?? largest
    guard chosen < faces.count else {
      throw .faceIndexOutOfRange(image: url.path, index: chosen, count: faces.count)
    }
    return faces[chosen].descriptor
  }

  /// Checks a comparison's settings: a finite `threshold` of at least 0 and face indices of at
  /// least 0 (`faceA`, `faceB`).
  /// - Throws: `PipelineError.invalidOption` naming the first bad setting.
  public static func check(threshold: Double, faceA: Int?, faceB: Int?) throws(PipelineError) {
    guard threshold.isFinite, threshold >= 0 else {
      throw .invalidOption(
        name: "threshold", value: "\(threshold)", rule: "a finite number >= 0")
    }
    for (name, index) in [("faceA", faceA), ("faceB", faceB)] {
      if let index, index < 0 {
        throw .invalidOption(
          name: name, value: "\(index)", rule: ">= 0 (faces are numbered from 0)")
      }
    }
  }

  /// Compares face `faceA` of the photo at `a` with face `faceB` of the photo at `b` (default:
  /// each photo's largest face): the same person when their descriptors are at most `threshold`
  /// apart (dlib's rule, 0.6).
  /// - Throws: `PipelineError.invalidOption` for bad settings, and the errors of
  ///   `descriptor(ofFace:inPhotoAt:)`.
  public func compare(
    _ a: URL, face faceA: Int? = nil, with b: URL, face faceB: Int? = nil,
    threshold: Double = 0.6
  ) throws(PipelineError) -> FaceComparison {
    try Self.check(threshold: threshold, faceA: faceA, faceB: faceB)
    let distance = DlibFaceEmbedder.distance(
      try descriptor(ofFace: faceA, inPhotoAt: a), try descriptor(ofFace: faceB, inPhotoAt: b))
    return FaceComparison(distance: distance, threshold: threshold)
  }
}

/// Two faces compared by the Euclidean distance between their descriptors.
public struct FaceComparison: Sendable, Equatable {
  /// The distance between the two descriptors.
  public let distance: Double
  /// The largest distance at which the faces are the same person.
  public let threshold: Double

  /// Whether the faces are the same person: `distance <= threshold`.
  public var samePerson: Bool { distance <= threshold }
}
