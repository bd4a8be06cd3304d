/// Where dlib's `input_rgb_image_pyramid<pyramid_down<N>>` puts the levels of an image pyramid in
/// the one tiled image it feeds the network (image_pyramid.h, `create_tiled_pyramid`), and how a
/// rectangle in that tiled image maps back to the image.
///
/// Level 0 is the image itself; level `i + 1` is `floor((N - 1) / N · rows)` by
/// `floor((N - 1) / N · columns)` of level `i`, down to the last level with at least 5 rows.
/// The levels run down a first column, image first, `padding` pixels apart; when the next level
/// fits beside the previous one and the first column is at least half of the total height, the
/// rest are placed bottom to top along the right edge (each stopping short of the image). The
/// whole is framed by `outerPadding` pixels. Pixels outside every level are zero.
public struct DlibTiledPyramidLayout: Sendable, Equatable {
  /// Rows of the tiled image.
  public let rows: Int
  /// Columns of the tiled image (the image's width plus twice the outer padding).
  public let columns: Int
  /// Each level's rectangle in the tiled image, level 0 (the image) first.
  public let levels: [DlibRectangle]
  /// The `N` of `pyramid_down<N>`.
  public let n: Int

  /// The layout for an image of `width x height` pixels.
  ///
  /// - Parameters:
  ///   - width: the image's columns.
  ///   - height: the image's rows.
  ///   - padding: pixels between levels (dlib's default 10).
  ///   - outerPadding: pixels around the whole (dlib's default 11).
  ///   - n: the `N` of `pyramid_down<N>`, at least 3 (6 for dlib's face detector).
  /// - Precondition: `width, height, padding, outerPadding >= 0` and `n >= 3`.
  public init(width: Int, height: Int, padding: Int = 10, outerPadding: Int = 11, n: Int = 6) {
    precondition(
      width >= 0 && height >= 0 && padding >= 0 && outerPadding >= 0 && n >= 3,
      "[DlibTiledPyramidLayout] \(width)x\(height), padding \(padding)/\(outerPadding), N \(n)")
    self.n = n
    guard width > 0, height > 0 else {
      (rows, columns, levels) = (0, 0, [])
      return
    }
    var sizes = [(width: width, height: height)]
    let rate = Double(n - 1) / Double(n)
    var (w, h) = (width, height)
    while true {
      (w, h) = (Int((rate * Double(w)).rounded(.down)), Int((rate * Double(h)).rounded(.down)))
      if w * h == 0 || h < 5 { break }
      sizes.append((w, h))
    }

    // The first column's height: levels go down it until the next one fits beside the previous
    // one and the column already holds at least half of the rest.
    let total = sizes.reduce(0) { $0 + $1.height + padding } - 2 * padding
    var columnHeight = 0
    var previousWidth = 0
    for size in sizes {
      if size.width <= width - previousWidth - padding
        && (columnHeight - height) * 2 >= total - height
      {
        break
      }
      columnHeight += size.height + padding
      previousWidth = size.width
    }
    columnHeight -= padding
    rows = columnHeight + 2 * outerPadding
    columns = width + 2 * outerPadding

    var placed: [DlibRectangle] = []
    var y = outerPadding
    var index = 0
    while y < columnHeight + outerPadding && index < sizes.count {
      let size = sizes[index]
      placed.append(
        DlibRectangle(
          left: outerPadding, top: y, right: outerPadding + size.width - 1,
          bottom: y + size.height - 1))
      y += size.height + padding
      index += 1
    }
    y -= padding
    // The rest go up the right edge, bottom-right corner at (right edge, y - 1).
    while index < sizes.count {
      let size = sizes[index]
      let rect = DlibRectangle(
        left: outerPadding + width - size.width, top: y - size.height,
        right: outerPadding + width - 1, bottom: y - 1)
      if !placed[0].intersection(rect).isEmpty { break }
      placed.append(rect)
      y -= size.height + padding
      index += 1
    }
    levels = placed
  }

  /// The level dlib assigns to a point of the tiled image (`nearest_rect`): the first level
  /// that contains it, else the level nearest to it (the first of equals).
  ///
  /// - Precondition: at least one level.
  public func level(nearestTo x: Int, _ y: Int) -> Int {
    precondition(!levels.isEmpty, "[DlibTiledPyramidLayout] no levels")
    var best = 0
    var bestDistance = Double.infinity
    for (index, rect) in levels.enumerated() {
      if rect.left <= x && x <= rect.right && rect.top <= y && y <= rect.bottom { return index }
      let dx = Double(x - min(max(x, rect.left), rect.right))
      let dy = Double(y - min(max(y, rect.top), rect.bottom))
      let distance = (dx * dx + dy * dy).squareRoot()
      if distance < bestDistance {
        (best, bestDistance) = (index, distance)
      }
    }
    return best
  }

  /// A rectangle of the tiled image (corners in `Double`) mapped to the image
  /// (`tiled_pyramid_to_image`): its centre, rounded half up, picks the level; the rectangle is
  /// moved to that level's origin and mapped up through the levels by
  /// `p -> p · N / (N - 1) + 0.3` per level, with no rounding.
  ///
  /// - Precondition: at least one level.
  public func imageRectangle(
    fromTiled rect: (left: Double, top: Double, right: Double, bottom: Double)
  ) -> (left: Double, top: Double, right: Double, bottom: Double) {
    let centreX = Int(((rect.left + rect.right) / 2 + 0.5).rounded(.down))
    let centreY = Int(((rect.top + rect.bottom) / 2 + 0.5).rounded(.down))
    let index = level(nearestTo: centreX, centreY)
    let origin = levels[index]
    let mapping = DlibPyramidMapping(n: n)
    let topLeft = mapping.pointUp(
      x: rect.left - Double(origin.left), y: rect.top - Double(origin.top), levels: index)
    let bottomRight = mapping.pointUp(
      x: rect.right - Double(origin.left), y: rect.bottom - Double(origin.top), levels: index)
    return (topLeft.x, topLeft.y, bottomRight.x, bottomRight.y)
  }
}
