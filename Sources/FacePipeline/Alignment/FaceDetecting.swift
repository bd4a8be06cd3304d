import FaceTensor

/// A face detector as the embedding pipeline uses it (MTCNN, adapted to `FaceRegion`).
public protocol FaceDetecting: Sendable {
  /// The faces in `image`, each with its box and, if the detector has them, five landmarks.
  /// - Throws: the detector's errors.
  func faces(in image: RGBImage) throws(PipelineError) -> [FaceRegion]
}
