import Foundation

/// How dlib resamples a face chip from a photo, as plain numbers.
///
/// This is `extract_image_chips` with bilinear interpolation (section 5.3 of
/// `../shared/docs/dlib-resnet-format.md`), laid out so a differentiable sampler can reproduce
/// it:
///
/// 1. crop the photo to `cropBox`;
/// 2. apply `DlibImagePyramid.down` `pyramidLevels` times to the crop;
/// 3. chip pixel (column c, row r) samples that image at `chipToSource.apply(x: c, y: r)` with
///    bilinear interpolation; a sample whose 2x2 neighbourhood is not entirely inside the image
///    is black.
///
/// NOTE: when `angle == 0` and the rectangle measures exactly `size x size`, dlib copies pixels
/// instead of resampling (`extractChip(from:)` does the same); real landmarks never give that.
public struct DlibChipSampling: Sendable, Equatable {
  /// The part of the photo the chip is resampled from (inclusive, photo pixels).
  ///
  /// It is the rotated rectangle's bounding box grown by a margin for the pyramid's blur,
  /// clipped to the photo and rounded half away from zero; empty when the chip lies entirely
  /// outside the photo.
  public let cropBox: DlibRectangle
  /// How many times the crop is halved by `DlibImagePyramid.down` before sampling (0 = sample the
  /// crop itself).
  public let pyramidLevels: Int
  /// Chip pixel `(c, r)` to the sampled image's `(x, y)` (column, row of the crop after
  /// `pyramidLevels` halvings).
  public let chipToSource: DlibAffineTransform
  /// The chip's side in pixels.
  public let size: Int

  /// The sampling dlib uses for `details` in a `imageWidth x imageHeight` photo.
  ///
  /// With `area(R) = (r - l + 1)(b - t + 1)` and dlib's `down(R) = (l/2 - 1.25, t/2 - 0.75,
  /// r/2 - 1.25, b/2 - 0.75)`: the margin is `g = 2`, doubled plus 2 for each `down` of the
  /// rectangle whose area stays above `size^2`; the rectangle, shifted to crop coordinates, is
  /// taken `down` while its next `down` has an area above `size^2` (`pyramidLevels` times); the
  /// map sends chip pixels (0, 0), (size-1, 0) and (0, size-1) to that rectangle's top-left,
  /// top-right and bottom-left corners rotated by `angle` about its centre.
  public init(details: DlibFaceChipDetails, imageWidth: Int, imageHeight: Int) {
    let size = details.size
    let chipArea = Double(size * size)
    let rectangle = Box(
      left: details.left, top: details.top, right: details.right, bottom: details.bottom)

    var margin = 2.0
    var reduced = rectangle.down
    while reduced.area > chipArea {
      reduced = reduced.down
      margin = margin * 2 + 2
    }
    let centre = rectangle.centre
    let corners = rectangle.corners.map { rotate($0, about: centre, by: details.angle) }
    let grown = Box(
      left: corners.reduce(.infinity) { min($0, $1.x) } - margin,
      top: corners.reduce(.infinity) { min($0, $1.y) } - margin,
      right: corners.reduce(-.infinity) { max($0, $1.x) } + margin,
      bottom: corners.reduce(-.infinity) { max($0, $1.y) } + margin)
    let clipped = Box(
      left: max(grown.left, 0), top: max(grown.top, 0),
      right: min(grown.right, Double(imageWidth - 1)),
      bottom: min(grown.bottom, Double(imageHeight - 1)))
    // dlib adds the clipped box to an empty `rectangle`, which ignores an empty box.
    cropBox =
      clipped.isEmpty
      ? DlibRectangle(left: 0, top: 0, right: -1, bottom: -1)
      : DlibRectangle(
        left: lround(clipped.left), top: lround(clipped.top), right: lround(clipped.right),
        bottom: lround(clipped.bottom))

    var source = Box(
      left: rectangle.left + Double(-cropBox.left), top: rectangle.top + Double(-cropBox.top),
      right: rectangle.right + Double(-cropBox.left),
      bottom: rectangle.bottom + Double(-cropBox.top))
    var levels = 0
    while source.down.area > chipArea {
      source = source.down
      levels += 1
    }
    pyramidLevels = levels

    let sourceCentre = source.centre
    let mapped = source.corners.map { rotate($0, about: sourceCentre, by: details.angle) }
    let (topLeft, topRight, bottomLeft) = (mapped[0], mapped[1], mapped[2])
    let last = Double(size - 1)
    chipToSource = DlibAffineTransform(
      m00: (topRight.x - topLeft.x) / last, m01: (bottomLeft.x - topLeft.x) / last,
      b0: topLeft.x,
      m10: (topRight.y - topLeft.y) / last, m11: (bottomLeft.y - topLeft.y) / last,
      b1: topLeft.y)
    self.size = size
  }
}

/// dlib's `drectangle`: inclusive `Double` corners.
private struct Box {
  var left: Double, top: Double, right: Double, bottom: Double

  var isEmpty: Bool { top > bottom || left > right }

  /// `(r - l + 1)(b - t + 1)`, 0 when empty.
  var area: Double { isEmpty ? 0 : (right - left + 1) * (bottom - top + 1) }

  /// `pyramid_down<2>::rect_down`: each corner `p / 2 - (1.25, 0.75)`.
  var down: Box {
    Box(
      left: left / 2 - 1.25, top: top / 2 - 0.75, right: right / 2 - 1.25, bottom: bottom / 2 - 0.75
    )
  }

  var centre: SIMD2<Double> { SIMD2(left + right, top + bottom) / 2 }

  /// Top-left, top-right, bottom-left, bottom-right.
  var corners: [SIMD2<Double>] {
    [SIMD2(left, top), SIMD2(right, top), SIMD2(left, bottom), SIMD2(right, bottom)]
  }
}

/// dlib's `rotate_point`: `R(angle) (p - centre) + centre`, with
/// `R = [[cos, -sin], [sin, cos]]`.
private func rotate(_ p: SIMD2<Double>, about centre: SIMD2<Double>, by angle: Double)
  -> SIMD2<Double>
{
  let sine = sin(angle), cosine = cos(angle)
  let d = p - centre
  return SIMD2(cosine * d.x - sine * d.y, sine * d.x + cosine * d.y) + centre
}
