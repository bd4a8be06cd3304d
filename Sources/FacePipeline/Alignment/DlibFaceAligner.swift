import FaceNets
import FaceTensor

/// dlib's face alignment for its face-recognition ResNet, started from a face detector's box:
/// the box is mapped to the rectangle dlib's 5-point shape predictor expects
/// (`MTCNNToDlibMapping`), the predictor finds the eye corners and the nose base, and the chip
/// (150x150, padding 0.25) is fitted to them as `dlib.get_face_chip_details` does.
///
/// Without the shape predictor, MTCNN's eyes and nose are fitted to where they fall on dlib's
/// template (`MTCNNToDlibMapping.fivePointTemplate`) instead.
public struct DlibFaceAligner: Sendable {
  /// dlib's 5-point shape predictor, or nil to align from MTCNN's points.
  public let shapePredictor: DlibShapePredictor?
  /// The chip's side in pixels (150 for the ResNet).
  public let chipSize: Int
  /// The margin around dlib's template, as a fraction of its size (0.25 for the ResNet).
  public let padding: Double

  /// An aligner using `shapePredictor` when given (dlib's alignment), MTCNN's points otherwise.
  public init(shapePredictor: DlibShapePredictor?, chipSize: Int = 150, padding: Double = 0.25) {
    self.shapePredictor = shapePredictor
    self.chipSize = chipSize
    self.padding = padding
  }

  /// The alignment of the face a detector found at `face` in `image`.
  /// - Throws: `FaceEmbeddingError.noLandmarks` when there is no shape predictor and the region
  ///   has no five points.
  public func align(_ face: FaceRegion, in image: RGBImage) throws -> DlibAlignedFace {
    if shapePredictor != nil {
      return align(rectangle: MTCNNToDlibMapping.dlibRectangle(for: face), in: image)
    }
    guard let points = face.fivePoints else { throw FaceEmbeddingError.noLandmarks }
    // Eyes and nose only: MTCNN's mouth corners move with the expression. Over the 25 faces of
    // the test photos this put the descriptors nearer dlib's pipeline (median distance 0.140,
    // largest 0.25) than all five points did (0.156, 0.33).
    let details = DlibFaceChipDetails(
      points: Array(points.prefix(3)),
      template: Array(MTCNNToDlibMapping.fivePointTemplate.prefix(3)), size: chipSize,
      padding: padding)
    return DlibAlignedFace(
      method: .mtcnnPoints, rectangle: nil, landmarks: nil, details: details,
      imageWidth: image.width, imageHeight: image.height)
  }

  /// dlib's alignment of the face in `rectangle` (a dlib HOG rectangle, or one from
  /// `MTCNNToDlibMapping.dlibRectangle(for:)`).
  /// - Precondition: the aligner has a shape predictor.
  public func align(rectangle: DlibRectangle, in image: RGBImage) -> DlibAlignedFace {
    guard let shapePredictor else {
      preconditionFailure("[DlibFaceAligner] aligning a rectangle needs the shape predictor")
    }
    let landmarks = shapePredictor.landmarks(in: image, face: rectangle)
    return DlibAlignedFace(
      method: .shapePredictor, rectangle: rectangle, landmarks: landmarks,
      details: DlibFaceChipDetails(landmarks: landmarks, size: chipSize, padding: padding),
      imageWidth: image.width, imageHeight: image.height)
  }
}
