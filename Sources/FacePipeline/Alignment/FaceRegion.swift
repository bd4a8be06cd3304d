import FaceNets

/// Where a face detector found a face in a photo, as `DlibFaceAligner` takes it.
///
/// It holds the box and, when the detector gives them, MTCNN's five landmarks.
///
/// Coordinates are photo pixels, `x` a column and `y` a row, with (0, 0) the centre of the
/// top-left pixel (as MTCNN and dlib report them).
public struct FaceRegion: Sendable, Equatable {
  /// The box's left column.
  public var x: Double
  /// The box's top row.
  public var y: Double
  /// The box's width in pixels.
  public var width: Double
  /// The box's height in pixels.
  public var height: Double
  /// MTCNN's five points in its order: the eye on the image's left, the eye on the image's
  /// right, the nose tip, the mouth corner on the image's left, the one on its right; nil when
  /// the detector gives none.
  public var fivePoints: [SIMD2<Double>]?

  /// A region from a detector's box `(x, y, width, height)` and optional five points.
  /// - Precondition: every value is finite; `fivePoints`, when given, has 5 points.
  public init(
    x: Double, y: Double, width: Double, height: Double, fivePoints: [SIMD2<Double>]? = nil
  ) {
    precondition(
      [x, y, width, height].allSatisfy(\.isFinite)
        && (fivePoints ?? []).allSatisfy { $0.x.isFinite && $0.y.isFinite },
      "[FaceRegion] box (\(x), \(y), \(width), \(height)) or points not finite")
    precondition(
      fivePoints.map { $0.count == 5 } ?? true,
      "[FaceRegion] MTCNN gives 5 points, got \(fivePoints?.count ?? 0)")
    self.x = x
    self.y = y
    self.width = width
    self.height = height
    self.fivePoints = fivePoints
  }

  /// MTCNN's exact box (`x1`, `y1`, `x2 - x1`, `y2 - y1`) and five landmarks of `detection`.
  public init(_ detection: FaceDetection) {
    self.init(
      x: detection.x1, y: detection.y1, width: detection.x2 - detection.x1,
      height: detection.y2 - detection.y1,
      fivePoints: detection.landmarks.points.map { SIMD2($0.x, $0.y) })
  }

  /// `width * height`.
  public var area: Double { width * height }
}
