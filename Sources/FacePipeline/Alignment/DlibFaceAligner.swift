import FaceNets
import FaceTensor

/// dlib's face alignment for its face-recognition ResNet, started from a face detector's box:
/// the rectangle dlib's 5-point shape predictor expects is found near the box, the predictor
/// finds the eye corners and the nose base, and the chip (150x150, padding 0.25) is fitted to
/// them as `dlib.get_face_chip_details` does.
///
/// The rectangle is the one dlib's own HOG face detector gives the face (searched for near the
/// box, as `face_recognition.face_locations` runs it: upsampled once) when that detector finds
/// it; otherwise the box mapped by `MTCNNToDlibMapping`. On small faces the predictor's
/// landmarks move with every pixel of its rectangle, so only dlib's own rectangle gives dlib's
/// descriptors there.
///
/// Without the shape predictor, MTCNN's eyes and nose are fitted to where they fall on dlib's
/// template (`MTCNNToDlibMapping.fivePointTemplate`) instead.
public struct DlibFaceAligner: Sendable {
  /// dlib's 5-point shape predictor, or nil to align from MTCNN's points.
  public let shapePredictor: DlibShapePredictor?
  /// dlib's HOG face detector, which gives the predictor dlib's own rectangle for a face; nil to
  /// use `MTCNNToDlibMapping`'s rectangle for every face.
  public let rectangleDetector: DlibHOGFaceDetector?
  /// The chip's side in pixels (150 for the ResNet).
  public let chipSize: Int
  /// The margin around dlib's template, as a fraction of its size (0.25 for the ResNet).
  public let padding: Double

  /// How many times dlib's pipeline (`face_recognition.face_locations`) upsamples the photo
  /// before its HOG detector runs.
  public static let detectorUpsampling = 1
  /// The least intersection over union between the mapped rectangle and a HOG detection for the
  /// detection to be taken as the same face (over the test photos' 25 faces the two overlap by
  /// 0.66 or more).
  public static let sameFaceOverlap = 0.5

  /// An aligner using `shapePredictor` when given (dlib's alignment), MTCNN's points otherwise;
  /// `rectangleDetector` (when given, and with the predictor) finds dlib's own rectangles.
  public init(
    shapePredictor: DlibShapePredictor?, rectangleDetector: DlibHOGFaceDetector? = nil,
    chipSize: Int = 150, padding: Double = 0.25
  ) {
    self.shapePredictor = shapePredictor
    self.rectangleDetector = rectangleDetector
    self.chipSize = chipSize
    self.padding = padding
  }

  /// The alignment of the face a detector found at `face` in `image`.
  /// - Throws: `PipelineError.noLandmarks` when there is no shape predictor and the region
  ///   has no five points.
  public func align(_ face: FaceRegion, in image: RGBImage) throws(PipelineError)
    -> DlibAlignedFace
  {
    if shapePredictor != nil {
      let (rectangle, source) = predictorRectangle(for: face, in: image)
      return align(rectangle: rectangle, from: source, in: image)
    }
    guard let points = face.fivePoints else { throw .noLandmarks }
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

  /// The alignments of several faces a detector found in one `image`, in their order.
  ///
  /// With two faces or more, dlib's detector searches the whole photo once (cheaper than a
  /// search near each face; the rectangles are the same).
  /// - Throws: `PipelineError.noLandmarks` as `align(_:in:)`.
  public func align(_ faces: [FaceRegion], in image: RGBImage) throws(PipelineError)
    -> [DlibAlignedFace]
  {
    guard faces.count > 1, shapePredictor != nil, let rectangleDetector else {
      return try faces.map { face throws(PipelineError) in try align(face, in: image) }
    }
    let detections = rectangleDetector.detect(in: image, upsample: Self.detectorUpsampling)
    return faces.map { face in
      let (rectangle, source) = Self.rectangle(
        near: MTCNNToDlibMapping.dlibRectangle(for: face), among: detections)
      return align(rectangle: rectangle, from: source, in: image)
    }
  }

  /// The rectangle the shape predictor runs on for a face a detector found at `face`: the HOG
  /// detection overlapping `MTCNNToDlibMapping`'s rectangle most (by at least
  /// `sameFaceOverlap`), else that mapped rectangle.
  public func predictorRectangle(for face: FaceRegion, in image: RGBImage)
    -> (rectangle: DlibRectangle, source: DlibAlignedFace.RectangleSource)
  {
    let mapped = MTCNNToDlibMapping.dlibRectangle(for: face)
    guard let rectangleDetector, !mapped.isEmpty else { return (mapped, .mappedFromDetectorBox) }
    let detections = rectangleDetector.detect(
      in: image, upsample: Self.detectorUpsampling, within: .around(mapped))
    return Self.rectangle(near: mapped, among: detections)
  }

  /// The detection overlapping `mapped` most, by at least `sameFaceOverlap`, else `mapped`.
  private static func rectangle(
    near mapped: DlibRectangle, among detections: [DlibHOGFaceDetector.Detection]
  ) -> (rectangle: DlibRectangle, source: DlibAlignedFace.RectangleSource) {
    let best = detections.map { ($0.rectangle, $0.rectangle.intersectionOverUnion(with: mapped)) }
      .max { $0.1 < $1.1 }
    guard let (rectangle, overlap) = best, overlap >= sameFaceOverlap else {
      return (mapped, .mappedFromDetectorBox)
    }
    return (rectangle, .dlibDetector)
  }

  /// dlib's alignment of the face in `rectangle` (a dlib HOG rectangle, or one from
  /// `MTCNNToDlibMapping.dlibRectangle(for:)`), which came `from` where it says.
  /// - Precondition: the aligner has a shape predictor.
  public func align(
    rectangle: DlibRectangle, from source: DlibAlignedFace.RectangleSource, in image: RGBImage
  ) -> DlibAlignedFace {
    guard let shapePredictor else {
      preconditionFailure("[DlibFaceAligner] aligning a rectangle needs the shape predictor")
    }
    let landmarks = shapePredictor.landmarks(in: image, face: rectangle)
    return DlibAlignedFace(
      method: .shapePredictor(source), rectangle: rectangle, landmarks: landmarks,
      details: DlibFaceChipDetails(landmarks: landmarks, size: chipSize, padding: padding),
      imageWidth: image.width, imageHeight: image.height)
  }
}
