/// How dlib's image pyramids map points and rectangles between levels (image_pyramid.h), in
/// `Double`, with rectangles rounded back to whole pixels by `lround` (half away from zero) as
/// dlib's `drectangle -> rectangle` conversion does.
///
/// `pyramid_down<N>` for `N > 2` (the HOG detector uses `N = 6`): one level down maps
/// `p -> (p - 0.3) * (N - 1) / N`, one level up `p -> p * N / (N - 1) + 0.3`.
/// `pyramid_down<2>`: down `p -> p / 2 - (1.25, 0.75)`, up `p -> (p + (1.25, 0.75)) * 2`.
/// Several levels apply the one-level map repeatedly (in `Double`, rounding only at the end).
public struct DlibPyramidMapping: Sendable, Equatable {
  /// The `N` of `pyramid_down<N>`: each level is `(N - 1) / N` the size of the one before.
  public let n: Int

  /// The mapping of `pyramid_down<n>`.
  /// - Precondition: `n >= 2`.
  public init(n: Int) {
    precondition(n >= 2, "[DlibPyramidMapping] pyramid_down<N> needs N >= 2, got \(n)")
    self.n = n
  }

  /// `point_up` applied `levels` times: from a level to the image `levels` levels larger.
  public func pointUp(x: Double, y: Double, levels: Int) -> (x: Double, y: Double) {
    var (x, y) = (x, y)
    for _ in 0..<levels {
      if n == 2 {
        x = (x + 1.25) * 2
        y = (y + 0.75) * 2
      } else {
        let ratio = Double(n) / (Double(n) - 1)
        x = x * ratio + 0.3
        y = y * ratio + 0.3
      }
    }
    return (x, y)
  }

  /// `point_down` applied `levels` times: from an image to the level `levels` levels smaller.
  public func pointDown(x: Double, y: Double, levels: Int) -> (x: Double, y: Double) {
    var (x, y) = (x, y)
    for _ in 0..<levels {
      if n == 2 {
        x = x / 2 - 1.25
        y = y / 2 - 0.75
      } else {
        let ratio = (Double(n) - 1) / Double(n)
        x = (x - 0.3) * ratio
        y = (y - 0.3) * ratio
      }
    }
    return (x, y)
  }

  /// `rect_up(rect, levels)` rounded to whole pixels.
  public func rectUp(_ r: DlibRectangle, levels: Int) -> DlibRectangle {
    let tl = pointUp(x: Double(r.left), y: Double(r.top), levels: levels)
    let br = pointUp(x: Double(r.right), y: Double(r.bottom), levels: levels)
    return Self.rounded(tl, br)
  }

  /// `rect_down(rect, levels)` rounded to whole pixels.
  public func rectDown(_ r: DlibRectangle, levels: Int) -> DlibRectangle {
    let tl = pointDown(x: Double(r.left), y: Double(r.top), levels: levels)
    let br = pointDown(x: Double(r.right), y: Double(r.bottom), levels: levels)
    return Self.rounded(tl, br)
  }

  /// The rectangle spanned by two points (dlib builds it as the union of the two corner
  /// points), each coordinate rounded half away from zero.
  private static func rounded(
    _ a: (x: Double, y: Double), _ b: (x: Double, y: Double)
  ) -> DlibRectangle {
    DlibRectangle(
      left: dlibRoundHalfAwayFromZero(min(a.x, b.x)), top: dlibRoundHalfAwayFromZero(min(a.y, b.y)),
      right: dlibRoundHalfAwayFromZero(max(a.x, b.x)),
      bottom: dlibRoundHalfAwayFromZero(max(a.y, b.y)))
  }
}
