/// How `RGBImage.resized` and `Tensor.resized` compute output pixels.
///
/// Both reproduce OpenCV's `cv2.resize` (imgproc/src/resize.cpp; checked against opencv-python 4.10 and 5.0) including
/// its choice of algorithm and, for 8-bit images, its integer rounding, so results are
/// bit-identical to `cv2.resize(image, (width, height), interpolation=...)`.
public enum ResizeMethod: Sendable, Equatable {
  /// `cv2.INTER_AREA`. When both axes shrink (or keep their size): a box average for integer
  /// factors, and for other factors each output pixel is the average of the source area it
  /// covers, source pixels weighted by their overlap. When either axis grows, OpenCV switches
  /// both axes to 2-tap linear interpolation whose fractional offset is measured from the cell
  /// borders: `sx = floor(dx * scale)`, `f = (dx + 1) - (sx + 1) / scale`, then
  /// `f = f <= 0 ? 0 : f - floor(f)`; so enlarging by an integer factor replicates pixels.
  case area
  /// `cv2.INTER_LINEAR`: bilinear interpolation with half-pixel centres,
  /// `sx = (dx + 0.5) * scale - 0.5` (scale = source / destination size), edges clamped.
  /// Halving both axes exactly is done, as in OpenCV, by the 2x2 box average.
  case bilinear
}
