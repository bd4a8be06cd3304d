/// dlib objects built from the primitives: tensors (section 1.4 of the format note), column
/// matrices and 2-D points (as `shape_predictor` stores them).
extension DlibDecoder {
  /// Reads the four extents `N, C, H, W` of a tensor, which must equal one of `accepted`, and
  /// returns them.
  /// - Throws: `impossibleShape` at the first extent; its `expected` lists the accepted shapes.
  private mutating func expectExtents(oneOf accepted: [[Int]], of what: String)
    throws(DlibFormatError) -> [Int]
  {
    let start = offset
    var stored: [Int64] = []
    for axis in ["N", "C", "H", "W"] {
      stored.append(try readInteger("\(what) \(axis)"))
    }
    guard let shape = accepted.first(where: { $0.map { Int64($0) } == stored }) else {
      throw DlibFormatError.impossibleShape(
        file: fileName, offset: start, object: what,
        expected: accepted.map { $0.map(String.init).joined(separator: "x") }
          .joined(separator: " or "),
        found: stored)
    }
    return shape
  }

  /// Reads a tensor with data (`resizable_tensor`): version 2, extents `N, C, H, W`, then
  /// `N*C*H*W` little-endian float32 in row-major NCHW order.
  ///
  /// The extents are compared with `expectedShape` before any data is read or allocated, so a
  /// damaged size field never causes an allocation; every value must be finite.
  /// - Returns: the values in row-major NCHW order.
  /// - Throws: `unknownVersion`, `impossibleShape` (at the first extent), `truncated`,
  ///   `nonFinite` at the first NaN or infinite value.
  mutating func readTensor(_ what: String, expectedShape: [Int]) throws(DlibFormatError) -> [Float]
  {
    try readTensor(what, oneOf: [expectedShape]).values
  }

  /// Reads a tensor with data (see `readTensor(_:expectedShape:)`) whose extents must equal one
  /// of `accepted`, for a field whose size depends on a flag stored after it.
  /// - Returns: the shape found and the values in row-major NCHW order.
  /// - Throws: as `readTensor(_:expectedShape:)`.
  mutating func readTensor(_ what: String, oneOf accepted: [[Int]]) throws(DlibFormatError) -> (
    shape: [Int], values: [Float]
  ) {
    try expectVersion(of: "\(what) tensor", equals: 2)
    let shape = try expectExtents(oneOf: accepted, of: what)
    let count = shape.reduce(1, *)
    guard count <= remaining / 4 else {
      throw DlibFormatError.truncated(
        file: fileName, offset: offset, expected: "\(what) data (\(count) float32)",
        needed: count > Int.max / 4 ? Int.max : 4 * count, remaining: remaining)
    }
    let start = offset
    let values = readRawFloats(count: count)
    if let bad = values.firstIndex(where: { !$0.isFinite }) {
      throw DlibFormatError.nonFinite(
        file: fileName, offset: start + 4 * bad, field: "\(what) value \(bad)")
    }
    return (shape, values)
  }

  /// Reads a shape-only view (`alias_tensor`): version 1 and extents `N, C, H, W`, no data;
  /// the extents must equal `expectedShape`.
  mutating func expectAliasTensor(_ what: String, shape expectedShape: [Int])
    throws(DlibFormatError)
  {
    try expectVersion(of: "\(what) view", equals: 1)
    _ = try expectExtents(oneOf: [expectedShape], of: what)
  }

  /// Reads a `dlib::matrix<float,0,1>`: rows and columns (stored negated by current dlib,
  /// positive by old versions), then the values row by row.
  ///
  /// The column count must be 1 and, when given, the row count `expectedCount`; the values'
  /// minimum size (4 bytes each) is checked against the bytes left before they are read.
  /// - Throws: `impossibleShape` (at the row count), `truncated`, and the primitives' errors.
  mutating func readFloatColumn(_ what: String, expectedCount: Int? = nil) throws(DlibFormatError)
    -> [Float]
  {
    let start = offset
    var rows = try readInteger("\(what) rows")
    var columns = try readInteger("\(what) columns")
    if rows < 0 || columns < 0 {
      rows = rows == Int64.min ? -1 : -rows
      columns = columns == Int64.min ? -1 : -columns
    }
    let expected = expectedCount.map { "\($0)x1" } ?? "Nx1"
    guard rows >= 0, columns == 1, expectedCount.map({ Int64($0) == rows }) ?? true else {
      throw DlibFormatError.impossibleShape(
        file: fileName, offset: start, object: what, expected: expected, found: [rows, columns])
    }
    guard rows <= Int64(remaining / 4) else {
      throw DlibFormatError.truncated(
        file: fileName, offset: offset, expected: "\(rows) \(what) values",
        needed: rows > Int64(Int.max / 4) ? Int.max : 4 * Int(rows), remaining: remaining)
    }
    var values: [Float] = []
    values.reserveCapacity(Int(rows))
    for _ in 0..<Int(rows) {
      values.append(try readFloat(what))
    }
    return values
  }

  /// Reads a `dlib::vector<float,2>`: x, then y.
  mutating func readFloatPoint(_ what: String) throws(DlibFormatError) -> SIMD2<Float> {
    let x = try readFloat("\(what) x")
    let y = try readFloat("\(what) y")
    return SIMD2(x, y)
  }
}
