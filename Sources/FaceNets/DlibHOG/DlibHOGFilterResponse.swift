import FaceTensor

/// The response of one linear filter at every position of a FHOG feature image
/// (`scan_fhog_pyramid`'s saliency image): the correlation of the 31 planes with the filter's
/// 31 planes, summed.
///
/// `response(r, c) = sum over p, m, n of w[p][m][n] * f[p][r - rows / 2 + m][c - columns / 2 + n]`
/// for the positions where the filter lies inside the planes:
/// `r` in `rows / 2 ..< planeRows - (rows - 1) / 2`, likewise `c`.
///
/// When dlib uses the bank's separable terms, so does this (`DlibHOGSeparableResponse`, in
/// dlib's order of operations); otherwise it correlates with the full weights.
///
/// NOTE: the separable terms come from a Jacobi SVD, dlib's from LAPACK; they can differ in the
/// last bits, and responses with them. With the shipped detector they do not: the tests find
/// every score equal to dlib's.
struct DlibHOGFilterResponse {
  /// The first row and column of the valid area, and its size.
  let firstRow: Int
  let firstColumn: Int
  let rows: Int
  let columns: Int
  /// `rows x columns` responses, row-major; `(i, j)` is position `(firstRow + i, firstColumn + j)`.
  let values: [Float]

  /// The responses of `bank` (`31` planes of `filterRows x filterColumns`) on `features`, at
  /// the rows `rowRange` and columns `columnRange` of the valid area (clamped to it; empty when
  /// they miss).
  init(
    features: DlibFHOGFeatures, bank: DlibHOGFilterBank, filterRows: Int, filterColumns: Int,
    rowRange: Range<Int>? = nil, columnRange: Range<Int>? = nil
  ) {
    let validRows = DlibFHOGGeometry.validPositions(planes: features.rows, filter: filterRows)
    let validColumns = DlibFHOGGeometry.validPositions(
      planes: features.columns, filter: filterColumns)
    let rowSpan = validRows.clamped(to: rowRange ?? validRows)
    let columnSpan = validColumns.clamped(to: columnRange ?? validColumns)
    firstRow = rowSpan.lowerBound
    firstColumn = columnSpan.lowerBound
    rows = features.rows == 0 ? 0 : rowSpan.count
    columns = features.columns == 0 ? 0 : columnSpan.count
    guard rows > 0, columns > 0 else {
      values = []
      return
    }
    if bank.usesSeparableTerms {
      let (rowSpan, columnSpan) = (firstRow..<firstRow + rows, firstColumn..<firstColumn + columns)
      values = features.planes.withUnsafeBufferPointer { f in
        DlibHOGSeparableResponse.response(
          planes: f.baseAddress!, planeRows: features.rows, planeColumns: features.columns,
          terms: bank.terms, rows: rowSpan, columns: columnSpan)
      }
      return
    }
    let weights = bank.fullWeights
    let (outRows, outColumns) = (rows, columns)
    let planeRows = features.rows
    let planeColumns = features.columns
    let planeSize = planeRows * planeColumns
    let rowStart = firstRow - filterRows / 2
    let columnStart = firstColumn - filterColumns / 2
    var values = [Float](repeating: 0, count: outRows * outColumns)
    features.planes.withUnsafeBufferPointer { f in
      weights.withUnsafeBufferPointer { w in
        values.withUnsafeMutableBufferPointer { out in
          let out = UnsafeSendable(out.baseAddress!)
          Parallel.forEachChunk(of: outRows) { range in
            for i in range {
              let target = out.pointer + i * outColumns
              for p in 0..<DlibHOGModel.planeCount {
                for m in 0..<filterRows {
                  let source =
                    f.baseAddress! + p * planeSize + (rowStart + i + m) * planeColumns + columnStart
                  let taps = w.baseAddress! + (p * filterRows + m) * filterColumns
                  for n in 0..<filterColumns {
                    let weight = taps[n]
                    if weight == 0 { continue }
                    let shifted = source + n
                    for j in 0..<outColumns { target[j] += weight * shifted[j] }
                  }
                }
              }
            }
          }
        }
      }
    }
    self.values = values
  }
}
