/// An integer box `[x, y, width, height]` in pixels of an upright image: columns
/// `x ..< x + width`, rows `y ..< y + height` (the `mtcnn` package reports boxes so; a box may
/// reach past the image's borders).
public struct PixelBox: Sendable, Equatable {
  /// The left column.
  public var x: Int
  /// The top row.
  public var y: Int
  /// The width in pixels.
  public var width: Int
  /// The height in pixels.
  public var height: Int

  /// The box `[x, y, width, height]`.
  public init(x: Int, y: Int, width: Int, height: Int) {
    (self.x, self.y, self.width, self.height) = (x, y, width, height)
  }

  /// `[x, y, width, height]`, as reports print boxes.
  public var array: [Int] { [x, y, width, height] }

  /// The part of the box inside a `width x height` image; nil when nothing of it is inside.
  public func clipped(toWidth imageWidth: Int, height imageHeight: Int) -> PixelBox? {
    let (left, top) = (max(x, 0), max(y, 0))
    let (right, bottom) = (min(x + width, imageWidth), min(y + height, imageHeight))
    guard left < right, top < bottom else { return nil }
    return PixelBox(x: left, y: top, width: right - left, height: bottom - top)
  }

  /// The box's edges, its width and height counted as `right - left` and `bottom - top`.
  public var edges: BoxEdges {
    BoxEdges(
      left: Double(x), top: Double(y), right: Double(x + width), bottom: Double(y + height),
      counting: .exclusive)
  }

  /// Intersection over union of the two boxes' pixels, in 0...1 (0 when they do not meet).
  public func intersectionOverUnion(with other: PixelBox) -> Double {
    edges.intersectionOverUnion(with: other.edges)
  }
}
