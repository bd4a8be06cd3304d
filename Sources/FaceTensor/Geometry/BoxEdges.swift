/// An axis-aligned box by its edges, in pixels (x to the right, y down), with the rule that
/// counts its extent: the one place box overlaps are measured (MTCNN's non-maximum suppression,
/// dlib's rectangles, photo boxes).
public struct BoxEdges: Sendable, Equatable {
  /// How the width and height follow from the edges.
  public enum Counting: Sendable, Equatable {
    /// `right` and `bottom` lie one past the box: width `right - left` (`PixelBox`).
    case exclusive
    /// `right` and `bottom` are the box's last pixel: width `right - left + 1` (the `mtcnn`
    /// package's boxes, dlib's rectangles).
    case inclusive
  }

  /// The left edge.
  public var left: Double
  /// The top edge.
  public var top: Double
  /// The right edge (see `counting`).
  public var right: Double
  /// The bottom edge (see `counting`).
  public var bottom: Double
  /// How the extent is counted.
  public var counting: Counting

  /// A box from its edges.
  public init(left: Double, top: Double, right: Double, bottom: Double, counting: Counting) {
    (self.left, self.top, self.right, self.bottom) = (left, top, right, bottom)
    self.counting = counting
  }

  /// `1` for inclusive edges, else `0`.
  private var extra: Double { counting == .inclusive ? 1 : 0 }

  /// `(right - left + extra) · (bottom - top + extra)`, not clamped: a box whose edges cross
  /// has a negative or zero area, as the `mtcnn` package computes it.
  public var area: Double { (right - left + extra) * (bottom - top + extra) }

  /// The area both boxes cover: `max(0, min(right) - max(left) + extra)` times the same for
  /// rows.
  /// - Precondition: both boxes count their extent the same way.
  public func intersectionArea(with other: BoxEdges) -> Double {
    precondition(counting == other.counting, "[BoxEdges] boxes counted two ways")
    let width = max(0, min(right, other.right) - max(left, other.left) + extra)
    let height = max(0, min(bottom, other.bottom) - max(top, other.top) + extra)
    return width * height
  }

  /// Intersection over union, `I / (A + B - I)`: 0 for boxes that do not meet, NaN when both
  /// areas are zero (the `mtcnn` package's value, which its suppression treats as an overlap).
  public func intersectionOverUnion(with other: BoxEdges) -> Double {
    let intersection = intersectionArea(with: other)
    return intersection / (area + other.area - intersection)
  }

  /// Intersection over the smaller area, `I / min(A, B)` (the `mtcnn` package's 'Min' overlap).
  public func intersectionOverSmallerArea(with other: BoxEdges) -> Double {
    intersectionArea(with: other) / min(area, other.area)
  }
}
