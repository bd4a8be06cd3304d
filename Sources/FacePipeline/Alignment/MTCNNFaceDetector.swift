import FaceNets
import FaceTensor

/// MTCNN as the embedding pipeline's face detector.
///
/// Each detection becomes a `FaceRegion` with MTCNN's exact box (`x1`, `y1`, `x2 - x1`,
/// `y2 - y1`, photo pixels) and its five landmarks in MTCNN's order.
public struct MTCNNFaceDetector: FaceDetecting {
  /// The detector.
  public let mtcnn: MTCNN

  /// A detector around `mtcnn`.
  public init(mtcnn: MTCNN) {
    self.mtcnn = mtcnn
  }

  /// MTCNN with its bundled weights and default options (those of `mtcnn` 0.1.1).
  /// - Throws: `PipelineError.unusableDetector` when the bundled weights are missing or damaged.
  public init() throws(PipelineError) {
    do {
      self.init(mtcnn: try MTCNN())
    } catch {
      throw .unusableDetector(error)
    }
  }

  /// Every face MTCNN finds in `image`, in its order.
  public func faces(in image: RGBImage) -> [FaceRegion] {
    mtcnn.detect(in: image).map(FaceRegion.init)
  }
}
