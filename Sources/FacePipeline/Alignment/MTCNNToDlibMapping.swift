import FaceNets

/// Where dlib's alignment inputs lie for a face MTCNN found.
///
/// Two things are mapped: the HOG-style rectangle dlib's 5-point shape predictor was trained on
/// (from MTCNN's five points when they are there, else from its box), and where MTCNN's five
/// points fall in dlib's chip template (the chip's fallback without the shape predictor).
///
/// All are least-squares fits over the faces that dlib 20.0.1 and mtcnn 0.1.1 both find in the
/// test photos (box IoU >= 0.5), made by `Scripts/fixtures/dlib_alignment_mapping.py`; its
/// output `Tests/FacePipelineTests/Fixtures/dlib_alignment_mapping.json` holds the constants
/// below, the sources it used, and each face's residuals (the tests check that the constants
/// equal the fixture's). No map reproduces dlib's HOG rectangles exactly (their sides come in
/// steps of about 1.2, from dlib's detection pyramid), so the landmarks, and with them the
/// descriptors, differ from dlib's own pipeline (the tests measure how much). `DlibFaceAligner`
/// therefore uses the mapped rectangle to find dlib's own HOG rectangle near it, and the mapped
/// rectangle itself only when dlib's detector does not find the face.
public enum MTCNNToDlibMapping {
  /// Horizontal offset of the rectangle's centre from the MTCNN box's, in box widths.
  static let centreOffsetX = -0.04685917752074675
  /// Vertical offset of the rectangle's centre from the MTCNN box's, in box heights.
  static let centreOffsetY = 0.03508562188180197
  /// The rectangle's side per unit of the box's geometric mean side `sqrt(w h)`.
  static let sideScale = 0.9465162522185315

  /// MTCNN's five points (left eye, right eye, nose tip, left and right mouth corner; "left" =
  /// the image's left) in the unit square of dlib's template
  /// (`DlibFaceChipDetails.dlibTemplate`): the mean, over the fitted faces, of each MTCNN point
  /// mapped through the inverse of the similarity that takes dlib's template to dlib's
  /// landmarks of that face.
  public static let fivePointTemplate: [SIMD2<Double>] = [
    SIMD2(0.23905633471064835, 0.2133720642456391), SIMD2(0.7834980142992627, 0.1983409108160478),
    SIMD2(0.4948727175557533, 0.5196165542420302), SIMD2(0.2729525560771413, 0.7875285866720652),
    SIMD2(0.7935232287975209, 0.7700490982382714),
  ]

  /// The rectangle's centre in the frame of `fivePointTemplate` (unit square of dlib's template).
  static let pointsCentre = SIMD2(0.48120985624473306, 0.4421664119313391)
  /// The rectangle's side per unit of scale of the similarity from `fivePointTemplate` to the
  /// face's points.
  static let pointsSidePerScale = 1.3527244182014757

  /// The rectangle dlib's shape predictor expects for a face MTCNN found at `region`.
  ///
  /// With five points: `T` = the least-squares similarity from `fivePointTemplate` to them;
  /// `centre = T(pointsCentre)`, `side = pointsSidePerScale |T's scale|`. With the box only:
  /// `centre = (x + w/2 + cx w, y + h/2 + cy h)`, `side = s sqrt(w h)`. The rectangle is
  /// `centre -+ (side - 1) / 2` on both axes, rounded to whole pixels (dlib's HOG rectangles
  /// are squares of whole pixels).
  public static func dlibRectangle(for region: FaceRegion) -> DlibRectangle {
    if let points = region.fivePoints {
      let fit = DlibAffineTransform.similarity(from: fivePointTemplate, to: points)
      let centre = fit.apply(x: pointsCentre.x, y: pointsCentre.y)
      let scale = (fit.m00 * fit.m00 + fit.m10 * fit.m10).squareRoot()
      return square(centreX: centre.x, centreY: centre.y, side: pointsSidePerScale * scale)
    }
    let (w, h) = (region.width, region.height)
    return square(
      centreX: region.x + w / 2 + centreOffsetX * w, centreY: region.y + h / 2 + centreOffsetY * h,
      side: sideScale * (w * h).squareRoot())
  }

  /// The square of `side` (rounded, at least 1) pixels around the centre; coordinates saturate
  /// (`Int(saturating:)`) rather than trap for a region that is not finite.
  private static func square(centreX: Double, centreY: Double, side: Double) -> DlibRectangle {
    let side = Int(saturating: side.rounded()) >= 1 ? side.rounded() : 1
    let left = Int(saturating: (centreX - (side - 1) / 2).rounded())
    let top = Int(saturating: (centreY - (side - 1) / 2).rounded())
    let extent = Int(saturating: side) - 1
    return DlibRectangle(left: left, top: top, right: left + extent, bottom: top + extent)
  }
}
