import FaceTensor

/// dlib's `float_spatially_filter_image_separable`, summed over a filter bank's terms, in dlib's
/// arithmetic order: the filter response of `DlibHOGFilterResponse` when dlib uses the
/// separable terms.
///
/// Each term filters its plane along the rows (`scratch = in * rowFilter`), then down the
/// columns (`* columnFilter`), and the results are added to the response term by term. dlib
/// computes columns from the first valid one in blocks of 8 (AVX) while a whole block fits, with
/// three partial sums (taps `0, 3, 6, ...`, `1, 4, 7, ...`, `2, 5, 8, ...`, the last taps on the
/// first sum, then `first + (second + third)`), and the remaining columns with one running sum;
/// both are reproduced per column, so any part of the response can be computed alone.
enum DlibHOGSeparableResponse {
  /// The responses at rows `rows` and columns `columns` (inside the valid area) of a
  /// `planeRows x planeColumns` feature image, row-major `rows.count x columns.count`.
  static func response(
    planes: UnsafePointer<Float>, planeRows: Int, planeColumns: Int,
    terms: [DlibHOGFilterBank.Term], rows: Range<Int>, columns: Range<Int>
  ) -> [Float] {
    guard let first = terms.first else {
      return [Float](repeating: 0, count: rows.count * columns.count)
    }
    let (kh, kw) = (first.columnFilter.count, first.rowFilter.count)
    let (firstRow, firstColumn) = (kh / 2, kw / 2)
    let lastColumn = planeColumns - (kw - 1) / 2
    // Columns firstColumn ..< blockEnd are computed in blocks, the rest one at a time.
    var blockEnd = firstColumn
    while blockEnd < lastColumn - 7 { blockEnd += 8 }
    let scratchRows = rows.lowerBound - firstRow..<rows.upperBound - firstRow + kh - 1
    let width = columns.count
    var out = [Float](repeating: 0, count: rows.count * width)
    var scratch = [Float](repeating: 0, count: scratchRows.count * width)
    let planeSize = planeRows * planeColumns
    for term in terms {
      let plane = planes + term.plane * planeSize
      // Row pass: scratch[sr][c] for the scratch rows and output columns.
      scratch.withUnsafeMutableBufferPointer { s in
        let s = UnsafeSendable(s.baseAddress!)
        Parallel.forEachChunk(of: scratchRows.count) { range in
          for i in range {
            let input = plane + (scratchRows.lowerBound + i) * planeColumns - firstColumn
            filterLine(
              input: input, step: 1, taps: term.rowFilter, columns: columns,
              blockEnd: blockEnd, output: s.pointer + i * width, accumulate: false)
          }
        }
      }
      // Column pass, added to the response.
      scratch.withUnsafeBufferPointer { s in
        out.withUnsafeMutableBufferPointer { o in
          let o = UnsafeSendable(o.baseAddress!)
          Parallel.forEachChunk(of: rows.count) { range in
            for i in range {
              // Row i of the output reads scratch rows i ..< i + kh.
              filterLine(
                input: s.baseAddress! + i * width - columns.lowerBound, step: width,
                taps: term.columnFilter, columns: columns, blockEnd: blockEnd,
                output: o.pointer + i * width, accumulate: true)
            }
          }
        }
      }
    }
    return out
  }

  /// One line of outputs of one filter pass.
  ///
  /// `output[c - columns.lower] (+)= sum over n of taps[n] * x(c, n)` for
  /// `c` in `columns`, where `x(c, n) = input[c + n * step]` (row pass: `step` 1, `input` at the
  /// line's column `-firstColumn`; column pass: `step` = the scratch width, `input` at
  /// `-columns.lower`). Block columns (`c < blockEnd`) use dlib's three partial sums, the
  /// others one running sum.
  @inline(__always)
  private static func filterLine(
    input: UnsafePointer<Float>, step: Int, taps: [Float], columns: Range<Int>, blockEnd: Int,
    output: UnsafeMutablePointer<Float>, accumulate: Bool
  ) {
    let count = taps.count
    taps.withUnsafeBufferPointer { f in
      var c = columns.lowerBound
      // Blocks of 8 columns with SIMD, then single columns; lanes are independent, so a
      // column's value does not depend on the grouping.
      let blockStop = min(blockEnd, columns.upperBound)
      while c + 8 <= blockStop {
        var t1 = SIMD8<Float>(repeating: 0)
        var t2 = SIMD8<Float>(repeating: 0)
        var t3 = SIMD8<Float>(repeating: 0)
        var n = 0
        while n < count - 2 {
          t1 = t1 + load8(input + c + n * step) * SIMD8(repeating: f[n])
          t2 = t2 + load8(input + c + (n + 1) * step) * SIMD8(repeating: f[n + 1])
          t3 = t3 + load8(input + c + (n + 2) * step) * SIMD8(repeating: f[n + 2])
          n += 3
        }
        while n < count {
          t1 = t1 + load8(input + c + n * step) * SIMD8(repeating: f[n])
          n += 1
        }
        var value = t1 + (t2 + t3)
        let target = output + c - columns.lowerBound
        if accumulate { value = value + load8(UnsafePointer(target)) }
        UnsafeMutableRawPointer(target).storeBytes(of: value, as: SIMD8<Float>.self)
        c += 8
      }
      while c < blockStop {
        var t1: Float = 0
        var t2: Float = 0
        var t3: Float = 0
        var n = 0
        while n < count - 2 {
          t1 = t1 + input[c + n * step] * f[n]
          t2 = t2 + input[c + (n + 1) * step] * f[n + 1]
          t3 = t3 + input[c + (n + 2) * step] * f[n + 2]
          n += 3
        }
        while n < count {
          t1 = t1 + input[c + n * step] * f[n]
          n += 1
        }
        let value = t1 + (t2 + t3)
        let target = output + c - columns.lowerBound
        target.pointee = accumulate ? value + target.pointee : value
        c += 1
      }
      while c < columns.upperBound {
        var t: Float = 0
        for n in 0..<count { t = t + input[c + n * step] * f[n] }
        let target = output + c - columns.lowerBound
        target.pointee = accumulate ? target.pointee + t : t
        c += 1
      }
    }
  }

  @inline(__always)
  private static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
  }
}
