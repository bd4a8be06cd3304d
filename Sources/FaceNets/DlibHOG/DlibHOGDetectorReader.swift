/// Reads a dlib `object_detector<scan_fhog_pyramid<pyramid_down<6>>>` as `.save()` writes it.
///
/// The layout (dlib/image_processing/object_detector.h, scan_fhog_pyramid.h,
/// box_overlap_testing.h):
/// int object_detector version 2; the scanner: int version 1, the cached feature pyramid
/// (`dlib::array`: max size, size; must be empty), int cell size, unsigned long padding, window
/// width, window height, max pyramid levels, min layer width, min layer height, double nuclear
/// norm regularization strength, long feature dimensions; the overlap tester: double IoU
/// threshold, double percent-covered threshold; unsigned long number of filters; per filter a
/// `matrix<double,0,1>` (rows and columns, stored negated by current dlib) of `dims + 1` values.
///
/// Beyond the encoding it checks what detection relies on: sizes in sane ranges, the stored
/// dimension count equal to the one the configuration implies, thresholds in `[0, 1]`, finite
/// weights. Every failure is a `DlibFormatError` naming the byte offset.
enum DlibHOGDetectorReader {
  /// Reads the whole file; the decoder must be at its first byte.
  static func read(_ decoder: inout DlibDecoder) throws(DlibFormatError) -> DlibHOGModel {
    try decoder.expectVersion(of: "object_detector", equals: 2)
    try decoder.expectVersion(of: "scan_fhog_pyramid", equals: 1)
    try decoder.expectInteger("cached feature pyramid max size", equals: 0)
    try decoder.expectInteger("cached feature pyramid size", equals: 0)
    let cellSize = try decoder.readInteger("cell size", in: 2...64)
    let padding = try decoder.readInteger("padding", in: 0...64)
    let windowWidth = try decoder.readInteger("detection window width", in: 1...4096)
    let windowHeight = try decoder.readInteger("detection window height", in: 1...4096)
    let maxLevels = try decoder.readInteger("max pyramid levels", in: 1...Int64(Int32.max))
    let minWidth = try decoder.readInteger("min pyramid layer width", in: 1...Int64(Int32.max))
    let minHeight = try decoder.readInteger("min pyramid layer height", in: 1...Int64(Int32.max))
    let regularizationOffset = decoder.offset
    let regularization = try decoder.readFiniteDouble("nuclear norm regularization strength")
    try require(
      regularization.isFinite && regularization >= 0, "nuclear norm regularization strength",
      "finite and >= 0", "\(regularization)", at: regularizationOffset, in: decoder)

    let size = DlibFHOGGeometry.filterSize(
      windowWidth: windowWidth, windowHeight: windowHeight, cellSize: cellSize, padding: padding)
    let dimensions = size.rows * size.columns * DlibHOGModel.planeCount
    try decoder.expectInteger("feature dimensions", equals: Int64(dimensions))

    let iouOffset = decoder.offset
    let iou = try decoder.readFiniteDouble("overlap IoU threshold")
    try require(
      (0...1).contains(iou), "overlap IoU threshold", "in 0...1", "\(iou)", at: iouOffset,
      in: decoder)
    let coveredOffset = decoder.offset
    let covered = try decoder.readFiniteDouble("overlap percent-covered threshold")
    try require(
      (0...1).contains(covered), "overlap percent-covered threshold", "in 0...1", "\(covered)",
      at: coveredOffset, in: decoder)

    let countOffset = decoder.offset
    // A weight vector takes at least 4 bytes of sizes and 2 per value.
    let filterCount = try decoder.readCount(
      "filter", minimumBytesPerElement: 4 + 2 * (dimensions + 1))
    try require(
      filterCount >= 1, "filter count", ">= 1", "\(filterCount)", at: countOffset, in: decoder)
    var filters: [DlibHOGModel.Filter] = []
    for _ in 0..<filterCount {
      let values = try readWeights(count: dimensions + 1, from: &decoder)
      filters.append(
        DlibHOGModel.Filter(weights: Array(values.dropLast()), bias: values[dimensions]))
    }
    try decoder.requireEnd()
    return DlibHOGModel(
      cellSize: cellSize, padding: padding, windowWidth: windowWidth, windowHeight: windowHeight,
      maxPyramidLevels: maxLevels, minLayerWidth: minWidth, minLayerHeight: minHeight,
      filterRows: size.rows, filterColumns: size.columns,
      overlap: DlibBoxOverlap(iouThreshold: iou, percentCoveredThreshold: covered),
      filters: filters)
  }

  /// Reads a `matrix<double,0,1>` of exactly `count` finite values.
  private static func readWeights(count: Int, from decoder: inout DlibDecoder)
    throws(DlibFormatError) -> [Double]
  {
    let start = decoder.offset
    var rows = try decoder.readInteger("filter weights rows")
    var columns = try decoder.readInteger("filter weights columns")
    if rows < 0 || columns < 0 {
      rows = rows == Int64.min ? -1 : -rows
      columns = columns == Int64.min ? -1 : -columns
    }
    guard rows == Int64(count), columns == 1 else {
      throw DlibFormatError.impossibleShape(
        file: decoder.fileName, offset: start, object: "filter weights",
        expected: "\(count)x1", found: [rows, columns])
    }
    // Each double takes at least 2 bytes (mantissa and exponent control bytes).
    try decoder.requireBytes(2 * count, for: "\(count) filter weights", startingAt: decoder.offset)
    var values: [Double] = []
    values.reserveCapacity(count)
    for _ in 0..<count {
      values.append(try decoder.readFiniteDouble("filter weight"))
    }
    return values
  }

  /// Throws `unexpectedValue` at `offset` unless `condition` holds.
  private static func require(
    _ condition: Bool, _ field: String, _ expected: String, _ found: String, at offset: Int,
    in decoder: DlibDecoder
  ) throws(DlibFormatError) {
    if !condition {
      throw DlibFormatError.unexpectedValue(
        file: decoder.fileName, offset: offset, field: field, expected: expected, found: found)
    }
  }
}
