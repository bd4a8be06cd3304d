/// The cells of one image in dlib's FHOG (`impl_extract_fhog_features` in
/// dlib/image_transforms/fhog.h, dlib 20.0.1), and which of dlib's two column paths computes each
/// pixel.
///
/// Coordinates are image pixels (`x` the column, `y` the row) and cells of `cellSize` pixels.
/// The orientation histograms carry a border of one cell (fhog.h lines 789-793): histogram cell
/// `(r, c)` is image cell `(r - 1, c - 1)`, and there are `(cellRows + 2) x (cellColumns + 2)`.
struct DlibFHOGCellGrid: Sendable {
  let cellSize: Int
  /// `height / cellSize` and `width / cellSize`, rounded to nearest (fhog.h lines 780-781).
  let cellRows: Int
  let cellColumns: Int
  /// Pixels `1 ..< visibleRows` (`visibleColumns`) vote: the rows and columns inside both the
  /// image and the cells, less the last one (fhog.h lines 817-818).
  let visibleRows: Int
  let visibleColumns: Int

  init(imageWidth: Int, imageHeight: Int, cellSize: Int) {
    self.cellSize = cellSize
    cellRows = Self.cellCount(pixels: imageHeight, cellSize: cellSize)
    cellColumns = Self.cellCount(pixels: imageWidth, cellSize: cellSize)
    visibleRows = min(cellRows * cellSize, imageHeight) - 1
    visibleColumns = min(cellColumns * cellSize, imageWidth) - 1
  }

  /// The cells along an axis of `pixels` pixels: `(int)((float)pixels / (float)cellSize + 0.5)`.
  static func cellCount(pixels: Int, cellSize: Int) -> Int {
    Int(Double(Float(pixels) / Float(cellSize)) + 0.5)
  }

  /// Columns of histogram cells (the stride of a histogram row, in cells).
  var histogramStride: Int { cellColumns + 2 }

  /// The first pixel column dlib computes on its own rather than in a block of 8.
  ///
  /// Columns `1 ..< blockColumnsEnd` go in blocks of 8
  /// (`for (x = 1; x < visible_nc - 7; x += 8)`, fhog.h line 828), the rest one at a time
  /// (`for (; x < visible_nc; x++)`, line 920). The block loop runs `(visibleColumns - 1) / 8`
  /// times.
  var blockColumnsEnd: Int { 1 + 8 * max((visibleColumns - 1) / 8, 0) }

  /// The pixels (of `1 ..< visible`) that vote into the histogram cells `cells`: a pixel at
  /// `p` votes into cells `floor((p + 0.5) / cellSize - 0.5) + 1` and `+ 2`.
  func voters(of cells: Range<Int>, visible: Int) -> Range<Int> {
    (cellSize * (cells.lowerBound - 2)..<cellSize * (cells.upperBound + 1)).clamped(
      to: 1..<max(visible, 1))
  }
}
