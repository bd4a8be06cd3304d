import Foundation

/// Where dlib cuts an aligned face chip out of a photo: dlib's `get_face_chip_details` for a
/// 5-point `full_object_detection` (section 5.2 of `../shared/docs/dlib-resnet-format.md`).
///
/// The chip is the rectangle `left...right x top...bottom` (photo pixels, `Double`, inclusive
/// corners) rotated by `angle` about its centre and resampled to `size x size` pixels; see
/// `DlibChipSampling` for the resampling and `extractChip(from:)` for dlib's 8-bit result.
public struct DlibFaceChipDetails: Sendable, Equatable {
  /// The rectangle's first column.
  public let left: Double
  /// The rectangle's first row.
  public let top: Double
  /// The rectangle's last column (inclusive).
  public let right: Double
  /// The rectangle's last row (inclusive).
  public let bottom: Double
  /// The rotation of the chip in the photo, radians (positive turns the chip's x axis towards
  /// the photo's y axis).
  public let angle: Double
  /// The chip's width and height in pixels.
  public let size: Int

  /// The 5-point template of `get_face_chip_details` in the unit square: eye corners on the
  /// image's right side (outer, inner), on its left side (outer, inner), and the nose base.
  public static let dlibTemplate: [SIMD2<Double>] = [
    SIMD2(0.8595674595992, 0.2134981538014), SIMD2(0.6460604764104, 0.2289674387677),
    SIMD2(0.1205750620789, 0.2137274526848), SIMD2(0.3340850613712, 0.2290642403242),
    SIMD2(0.4901123135679, 0.6277975316475),
  ]

  /// The chip for five landmarks from `DlibShapePredictor.landmarks(in:face:)`.
  ///
  /// Template point `t` goes to chip pixel `q = (padding + t) * (1 / (2 padding + 1)) * size`;
  /// the similarity transform `A q + b` from the five `q` to the landmarks is fitted by least
  /// squares (`DlibAffineTransform.similarity`); then `angle = atan2(A10, A00)`,
  /// `s = |(A00, A10)|`, the centre is `m = A (size/2, size/2) + b`, and the rectangle is
  /// `m -+ (size s - 1) / 2` on both axes.
  /// - Parameters:
  ///   - landmarks: the 5 points, in the order of `shape_predictor_5_face_landmarks.dat`.
  ///   - size: the chip's side in pixels (150 for the face-recognition ResNet).
  ///   - padding: the margin around the template, as a fraction of its size (0.25 for the ResNet).
  /// - Precondition: 5 landmarks, `size >= 2`, `padding >= 0`.
  public init(landmarks: [DlibPoint], size: Int = 150, padding: Double = 0.25) {
    precondition(landmarks.count == 5, "[faceChip] needs 5 landmarks, got \(landmarks.count)")
    self.init(
      points: landmarks.map { SIMD2(Double($0.x), Double($0.y)) }, template: Self.dlibTemplate,
      size: size, padding: padding)
  }

  /// The chip whose template points fall on `points`, fitted as in `init(landmarks:...)`.
  ///
  /// `template` holds points in the unit square of dlib's template (for example where another
  /// landmark detector's points fall on dlib's aligned face), `points` the same points in the
  /// photo (pixels).
  ///
  /// With `dlibTemplate` and dlib's integer landmarks this is `init(landmarks:size:padding:)`.
  /// - Precondition: `points.count == template.count >= 2`, all finite;
  ///   `size >= 2`, `padding >= 0`.
  public init(
    points: [SIMD2<Double>], template: [SIMD2<Double>], size: Int = 150, padding: Double = 0.25
  ) {
    precondition(
      points.count == template.count && points.count >= 2,
      "[faceChip] \(points.count) points for a template of \(template.count)")
    precondition(size >= 2 && padding >= 0, "[faceChip] size \(size), padding \(padding)")
    let shrink = 1 / (2 * padding + 1)
    let chipPoints = template.map { ($0 + padding) * shrink * Double(size) }
    let fit = DlibAffineTransform.similarity(from: chipPoints, to: points)
    let half = Double(size) / 2
    let centre = fit.apply(x: half, y: half)
    let scale = (fit.m00 * fit.m00 + fit.m10 * fit.m10).squareRoot()
    let extent = (Double(size) * scale - 1) / 2
    self.init(
      left: centre.x - extent, top: centre.y - extent, right: centre.x + extent,
      bottom: centre.y + extent, angle: atan2(fit.m10, fit.m00), size: size)
  }

  /// A chip from its rectangle, angle and size.
  /// - Precondition: `size >= 2`; all values finite.
  public init(
    left: Double, top: Double, right: Double, bottom: Double, angle: Double, size: Int
  ) {
    precondition(size >= 2, "[faceChip] size \(size) is below 2")
    precondition(
      [left, top, right, bottom, angle].allSatisfy(\.isFinite),
      "[faceChip] rectangle (\(left), \(top), \(right), \(bottom)) or angle \(angle) not finite")
    self.left = left
    self.top = top
    self.right = right
    self.bottom = bottom
    self.angle = angle
    self.size = size
  }
}
