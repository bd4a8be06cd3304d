import FaceNets

/// How MTCNN's output stands in for what dlib's alignment expects: the HOG-style rectangle
/// dlib's 5-point shape predictor was trained on, and where MTCNN's five points fall in dlib's
/// chip template.
///
/// Both are least-squares fits over the faces that dlib 20.0.1 and mtcnn 0.1.1 both find in the
/// test photos (box IoU >= 0.5), made by `Scripts/fixtures/dlib_alignment_mapping.py`; its
/// output `Tests/FacePipelineTests/Fixtures/dlib_alignment_mapping.json` holds the constants
/// below, the sources it used, and each face's residuals (the tests check that the constants
/// equal the fixture's).
public enum MTCNNToDlibMapping {
  /// Horizontal offset of the rectangle's centre from the MTCNN box's, in box widths.
  static let centreOffsetX = 0.012747142381099119
  /// Vertical offset of the rectangle's centre from the MTCNN box's, in box heights.
  static let centreOffsetY = 0.029855451995029352
  /// The rectangle's side per unit of box width.
  static let sidePerWidth = 0.9895685594154161
  /// The rectangle's side per unit of box height.
  static let sidePerHeight = 0.03220711847112609

  /// MTCNN's five points (left eye, right eye, nose tip, left and right mouth corner; "left" =
  /// the image's left) in the unit square of dlib's template
  /// (`DlibFaceChipDetails.dlibTemplate`): the mean, over the fitted faces, of each MTCNN point
  /// mapped through the inverse of the similarity that takes dlib's template to dlib's
  /// landmarks of that face.
  public static let fivePointTemplate: [SIMD2<Double>] = [
    SIMD2(0.22265898530500552, 0.2031628070427248), SIMD2(0.7569865729610086, 0.21369109598628358),
    SIMD2(0.5064897855730781, 0.49965591664885256), SIMD2(0.23650978931699257, 0.7686636811150194),
    SIMD2(0.759330486662863, 0.7676313750323078),
  ]

  /// The rectangle dlib's shape predictor expects for a face MTCNN boxed at `region`.
  ///
  /// `centre = (x + w/2 + cx w, y + h/2 + cy h)`, `side = sw w + sh h`; the rectangle is
  /// `centre -+ (side - 1) / 2` on both axes, each corner rounded to the nearest pixel (dlib's
  /// HOG rectangles are squares of whole pixels).
  public static func dlibRectangle(for region: FaceRegion) -> DlibRectangle {
    let (w, h) = (region.width, region.height)
    let centreX = region.x + w / 2 + centreOffsetX * w
    let centreY = region.y + h / 2 + centreOffsetY * h
    let side = max((sidePerWidth * w + sidePerHeight * h).rounded(), 1)
    let left = Int((centreX - (side - 1) / 2).rounded())
    let top = Int((centreY - (side - 1) / 2).rounded())
    return DlibRectangle(
      left: left, top: top, right: left + Int(side) - 1, bottom: top + Int(side) - 1)
  }
}
