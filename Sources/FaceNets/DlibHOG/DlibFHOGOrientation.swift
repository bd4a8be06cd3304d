/// dlib's orientation bin of a gradient in FHOG (dlib/image_transforms/fhog.h, dlib 20.0.1): 18
/// signed bins, 20 degrees apart.
///
/// The 9 unsigned directions are dlib's unit vectors with 4 digits (fhog.h lines 765-775). The
/// bin is the direction with the largest `|dot|`, the first one reaching it, plus 9 when that
/// dot is negative; a zero gradient is bin 0. dlib writes this twice, with `select` for 8-column
/// blocks (lines 846-859) and with `if`/`else if` for single columns (lines 927-942), and both
/// pick the same bin: a dot that beats the best so far is positive, so its negation cannot.
enum DlibFHOGOrientation {
  /// The 9 unsigned directions, `(x, y)` pairs (`x` along columns, `y` down the rows).
  static let directions: [Float] = [
    1.0000, 0.0000, 0.9397, 0.3420, 0.7660, 0.6428, 0.500, 0.8660, 0.1736, 0.9848,
    -0.1736, 0.9848, -0.5000, 0.8660, -0.7660, 0.6428, -0.9397, 0.3420,
  ]

  /// The bin (`0 ..< 18`) of the gradient `(gx, gy)`; `d` points to `directions`.
  @inline(__always)
  static func bin(gx: Float, gy: Float, directions d: UnsafePointer<Float>) -> Int {
    var best: Float = 0
    var bin = 0
    for o in 0..<9 {
      let dot = gx * d[2 * o] + gy * d[2 * o + 1]
      if dot > best {
        best = dot
        bin = o
      } else if -dot > best {
        best = -dot
        bin = o + 9
      }
    }
    return bin
  }
}
