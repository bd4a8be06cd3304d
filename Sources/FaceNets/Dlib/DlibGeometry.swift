import FaceTensor

/// A rectangle of whole pixels, as dlib's `rectangle`.
///
/// The corners are inclusive, so it is `right - left + 1` pixels wide. Coordinates are 0-based
/// columns (x) and rows (y) of the photo.
public struct DlibRectangle: Sendable, Hashable, CustomStringConvertible {
  /// The first column.
  public var left: Int
  /// The first row.
  public var top: Int
  /// The last column (inclusive).
  public var right: Int
  /// The last row (inclusive).
  public var bottom: Int

  /// A rectangle from its inclusive corners.
  public init(left: Int, top: Int, right: Int, bottom: Int) {
    self.left = left
    self.top = top
    self.right = right
    self.bottom = bottom
  }

  /// Whether the rectangle holds no pixel (`left > right` or `top > bottom`).
  public var isEmpty: Bool { left > right || top > bottom }

  /// `[(left, top) (right, bottom)]`, as dlib prints a rectangle.
  public var description: String { "[(\(left), \(top)) (\(right), \(bottom))]" }

  /// The number of pixels it holds (0 when empty).
  public var area: Int { isEmpty ? 0 : (right - left + 1) * (bottom - top + 1) }

  /// The pixels both rectangles hold (an empty rectangle when they do not meet).
  public func intersection(_ other: DlibRectangle) -> DlibRectangle {
    DlibRectangle(
      left: max(left, other.left), top: max(top, other.top), right: min(right, other.right),
      bottom: min(bottom, other.bottom))
  }

  /// The rectangle's edges, counted inclusively (width `right - left + 1`).
  public var edges: BoxEdges {
    BoxEdges(
      left: Double(left), top: Double(top), right: Double(right), bottom: Double(bottom),
      counting: .inclusive)
  }

  /// Intersection over union of the two rectangles' pixels, in 0...1 (0 when they do not meet
  /// or one is empty).
  public func intersectionOverUnion(with other: DlibRectangle) -> Double {
    guard !isEmpty, !other.isEmpty else { return 0 }
    return edges.intersectionOverUnion(with: other.edges)
  }
}

/// A pixel position as dlib's `point`: column `x`, row `y`, 0-based; (0, 0) is the centre of the
/// top-left pixel.
public struct DlibPoint: Sendable, Hashable, CustomStringConvertible {
  /// The column.
  public var x: Int
  /// The row.
  public var y: Int

  /// A point from its column and row.
  public init(x: Int, y: Int) {
    self.x = x
    self.y = y
  }

  /// `(x, y)`.
  public var description: String { "(\(x), \(y))" }
}

/// An affine map of the plane as dlib's `point_transform_affine`:
/// `(x, y) -> (m00*x + m01*y + b0, m10*x + m11*y + b1)`, evaluated in that order in `Double`.
public struct DlibAffineTransform: Sendable, Equatable {
  /// Row 0 of the linear part.
  public var m00: Double, m01: Double
  /// Row 1 of the linear part.
  public var m10: Double, m11: Double
  /// The translation.
  public var b0: Double, b1: Double

  /// A transform from its 2x3 matrix `[[m00, m01, b0], [m10, m11, b1]]`.
  public init(m00: Double, m01: Double, b0: Double, m10: Double, m11: Double, b1: Double) {
    self.m00 = m00
    self.m01 = m01
    self.b0 = b0
    self.m10 = m10
    self.m11 = m11
    self.b1 = b1
  }

  /// The image of `(x, y)`: `m * p + b` as dlib computes it.
  @inlinable
  public func apply(x: Double, y: Double) -> (x: Double, y: Double) {
    (m00 * x + m01 * y + b0, m10 * x + m11 * y + b1)
  }

  /// The least-squares similarity transform (scale, rotation, translation) from `from` to `to`.
  ///
  /// This is dlib's `find_similarity_transform` (Umeyama 1991, equations 34 to 43).
  /// In two dimensions the fitted `scale * R` has a closed form: with the cross-covariance
  /// `Cov = mean (to_i - mean_to)(from_i - mean_from)^T = [[a, b], [c, d]]` and `sigma = mean
  /// |from_i - mean_from|^2`, it is `[[a + d, b - c], [c - b, a + d]] / sigma`. The SVD recipe
  /// (`Cov = U D V^T`, `R = U S V^T`, `scale = trace(D S) / sigma`) gives exactly this whether or
  /// not it flips the smaller singular value (the flip, taken when `det(Cov) < 0`, keeps R a
  /// rotation). The means, `sigma` and `Cov` are accumulated in dlib's order (`Cov` scaled by
  /// the reciprocal of the count, as dlib's `matrix /=` does); then `b = mean_to - scale * R *
  /// mean_from`.
  ///
  /// NOTE: dlib takes `scale * R` from an SVD; the closed form can differ from it in the last bit
  /// or two. The results that depend on it (landmarks rounded to pixels, chip bytes) matched
  /// dlib 20.0.1 in every case tried (see the tests).
  /// - Precondition: `from.count == to.count >= 2`.
  public static func similarity(from: [SIMD2<Double>], to: [SIMD2<Double>])
    -> DlibAffineTransform
  {
    precondition(
      from.count == to.count && from.count >= 2,
      "[similarity] needs two lists of at least 2 points, got \(from.count) and \(to.count)")
    let n = Double(from.count)
    var meanFrom = SIMD2<Double>(0, 0)
    var meanTo = SIMD2<Double>(0, 0)
    for i in from.indices {
      meanFrom += from[i]
      meanTo += to[i]
    }
    meanFrom /= n
    meanTo /= n
    var sigma = 0.0
    var a = 0.0, b = 0.0, c = 0.0, d = 0.0
    for i in from.indices {
      let f = from[i] - meanFrom
      let t = to[i] - meanTo
      sigma += f.x * f.x + f.y * f.y
      a += t.x * f.x
      b += t.x * f.y
      c += t.y * f.x
      d += t.y * f.y
    }
    sigma /= n
    let reciprocal = 1 / n
    a *= reciprocal
    b *= reciprocal
    c *= reciprocal
    d *= reciprocal
    // All source points equal: dlib's scale is 1 and R comes from the SVD of a zero matrix (I).
    let (cosine, sine) = sigma == 0 ? (1.0, 0.0) : ((a + d) / sigma, (c - b) / sigma)
    return DlibAffineTransform(
      m00: cosine, m01: -sine, b0: meanTo.x - (cosine * meanFrom.x + -sine * meanFrom.y),
      m10: sine, m11: cosine, b1: meanTo.y - (sine * meanFrom.x + cosine * meanFrom.y))
  }
}

/// `floor(value + 0.5)` as an `Int`, which is how dlib turns a `double` point into a `point`
/// (`vector_assign_helper`); values beyond +-2^62 (never produced by valid inputs) are clamped.
@inlinable
func dlibRoundToPixel(_ value: Double) -> Int {
  let rounded = (value + 0.5).rounded(.down)
  guard rounded.isFinite else { return rounded > 0 ? 1 << 62 : -(1 << 62) }
  return Int(max(min(rounded, 0x1p62), -0x1p62))
}

/// C's `lround` (half away from zero) as an `Int`, which is how dlib turns a `drectangle` into a
/// `rectangle`; values beyond +-2^62 (never produced by valid inputs) are clamped.
@inlinable
func dlibRoundHalfAwayFromZero(_ value: Double) -> Int {
  let rounded = value.rounded(.toNearestOrAwayFromZero)
  guard rounded.isFinite else { return rounded > 0 ? 1 << 62 : -(1 << 62) }
  return Int(max(min(rounded, 0x1p62), -0x1p62))
}
