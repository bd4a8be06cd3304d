/// dlib's maps between image pixels and FHOG cells (`image_to_fhog`, `fhog_to_image` in
/// dlib/image_transforms/fhog.h) and `centered_rect`, in integer arithmetic as dlib does
/// (`/` truncates toward zero, like C++).
enum DlibFHOGGeometry {
  /// The rectangle of `width x height` pixels centred on `(x, y)`: left `x - width / 2`, top
  /// `y - height / 2`.
  static func centeredRect(x: Int, y: Int, width: Int, height: Int) -> DlibRectangle {
    let left = x - width / 2
    let top = y - height / 2
    return DlibRectangle(left: left, top: top, right: left + width - 1, bottom: top + height - 1)
  }

  /// The cell holding pixel `p` in features padded by `rowsPadding x columnsPadding`:
  /// `(p - 1) / cellSize - 1 + (padding - 1) / 2` per axis.
  static func imageToFHOG(
    _ p: DlibPoint, cellSize: Int, rowsPadding: Int, columnsPadding: Int
  ) -> DlibPoint {
    DlibPoint(
      x: (p.x - 1) / cellSize - 1 + (columnsPadding - 1) / 2,
      y: (p.y - 1) / cellSize - 1 + (rowsPadding - 1) / 2)
  }

  /// `imageToFHOG` of both corners.
  static func imageToFHOG(
    _ r: DlibRectangle, cellSize: Int, rowsPadding: Int, columnsPadding: Int
  ) -> DlibRectangle {
    corners(of: r) {
      imageToFHOG(
        $0, cellSize: cellSize, rowsPadding: rowsPadding, columnsPadding: columnsPadding)
    }
  }

  /// The pixel at the centre of cell `p`: `(p + 1 - (padding - 1) / 2) * cellSize + 1`, then
  /// `cellSize / 2` added away from zero on each axis (the sign taken after scaling).
  static func fhogToImage(
    _ p: DlibPoint, cellSize: Int, rowsPadding: Int, columnsPadding: Int
  ) -> DlibPoint {
    let x = (p.x + 1 - (columnsPadding - 1) / 2) * cellSize + 1
    let y = (p.y + 1 - (rowsPadding - 1) / 2) * cellSize + 1
    let half = cellSize / 2
    return DlibPoint(x: x + (x >= 0 ? half : -half), y: y + (y >= 0 ? half : -half))
  }

  /// `fhogToImage` of both corners.
  static func fhogToImage(
    _ r: DlibRectangle, cellSize: Int, rowsPadding: Int, columnsPadding: Int
  ) -> DlibRectangle {
    corners(of: r) {
      fhogToImage(
        $0, cellSize: cellSize, rowsPadding: rowsPadding, columnsPadding: columnsPadding)
    }
  }

  /// The positions along one axis at which a filter `filter` cells long lies wholly inside
  /// planes `planes` cells long: `filter / 2 ..< planes - (filter - 1) / 2`, empty when the
  /// filter is the longer.
  static func validPositions(planes: Int, filter: Int) -> Range<Int> {
    filter / 2..<max(planes - (filter - 1) / 2, filter / 2)
  }

  /// The rectangle from `map` of `r`'s top-left and bottom-right corners.
  private static func corners(of r: DlibRectangle, _ map: (DlibPoint) -> DlibPoint)
    -> DlibRectangle
  {
    let topLeft = map(DlibPoint(x: r.left, y: r.top))
    let bottomRight = map(DlibPoint(x: r.right, y: r.bottom))
    return DlibRectangle(
      left: topLeft.x, top: topLeft.y, right: bottomRight.x, bottom: bottomRight.y)
  }

  /// The filter extent in cells, `(rows, columns)`, of a `windowWidth x windowHeight` pixel
  /// detection window with `padding` cells around it (`compute_fhog_window_size`).
  static func filterSize(
    windowWidth: Int, windowHeight: Int, cellSize: Int, padding: Int
  ) -> (rows: Int, columns: Int) {
    let window = centeredRect(x: 0, y: 0, width: windowWidth, height: windowHeight)
    let cells = imageToFHOG(window, cellSize: cellSize, rowsPadding: 1, columnsPadding: 1)
    return (cells.bottom - cells.top + 1 + 2 * padding, cells.right - cells.left + 1 + 2 * padding)
  }
}
