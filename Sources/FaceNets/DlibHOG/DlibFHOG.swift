import FaceTensor

/// Felzenszwalb's HOG features as dlib's `extract_fhog_features` computes them on an RGB image
/// (dlib/image_transforms/fhog.h), bit for bit, in the planar layout `scan_fhog_pyramid` uses.
///
/// Per pixel (rows and columns 1 to the last full cell's edge minus 1): the central-difference
/// gradient of the channel with the largest squared gradient, its length `sqrt(gx^2 + gy^2)` and
/// its orientation bin: the direction among 9 unsigned ones (every 20 degrees, dlib's 4-digit
/// unit vectors) with the largest `|dot|`, `+ 9` when the dot is negative (18 signed bins).
/// The length is split bilinearly over the 4 nearest cells of `cellSize` pixels. Per cell, with
/// `N` = the sum over the 4 cell blocks around it of the squared unsigned histograms:
/// planes 0-17 the signed bins, 18-26 the unsigned ones, each `sum over 4 blocks of min(h, nn) *
/// 0.1 / nn` with `nn = 0.2 sqrt(N + 1e-4)`; planes 27-30 the per-block sums of the signed
/// planes' terms times 0.4714.
///
/// dlib computes pixels in blocks of 8 columns (its AVX path) and the remaining columns one by
/// one, and the two round differently (channel ties: blocks prefer green over red and blue over
/// both, single pixels red, then green, then blue; the bilinear weights are multiplied in another
/// order). This port follows both paths, so its features equal dlib's exactly.
struct DlibFHOGFeatures: Sendable {
  /// Rows and columns of every plane, padding included.
  let rows: Int
  let columns: Int
  /// `31 x rows x columns` floats, plane-major.
  let planes: [Float]

  /// The features of `image` with cells of `cellSize` pixels.
  ///
  /// They are laid out for a filter of `filterRows x filterColumns` cells: the `(cells - 2)`
  /// interior cells of each axis sit at offset `(filter - 1) / 2`, surrounded by zeros, in
  /// planes of `cells - 2 + filter - 1`.
  /// An image with fewer than 3 cells on an axis gives empty planes.
  ///
  /// `planeRows` and `planeColumns` restrict the work to a part of the planes: the features
  /// there are exactly those of the whole image (only the pixels that vote into the cells
  /// involved are visited, in the same order); elsewhere the planes hold zeros.
  init(
    image: RGBImage, cellSize: Int, filterRows: Int, filterColumns: Int,
    planeRows: Range<Int>? = nil, planeColumns: Range<Int>? = nil
  ) {
    let cellRows = Int(Double(Float(image.height) / Float(cellSize)) + 0.5)
    let cellColumns = Int(Double(Float(image.width) / Float(cellSize)) + 0.5)
    let hogRows = max(cellRows - 2, 0)
    let hogColumns = max(cellColumns - 2, 0)
    guard hogRows > 0, hogColumns > 0 else {
      (rows, columns, planes) = (0, 0, [])
      return
    }
    rows = hogRows + filterRows - 1
    columns = hogColumns + filterColumns - 1
    let rowOffset = (filterRows - 1) / 2
    let columnOffset = (filterColumns - 1) / 2
    // Interior cells to compute, in hog coordinates.
    let ys = Self.shifted(planeRows ?? 0..<rows, by: -rowOffset).clamped(to: 0..<hogRows)
    let xs = Self.shifted(planeColumns ?? 0..<columns, by: -columnOffset)
      .clamped(to: 0..<hogColumns)
    guard !ys.isEmpty, !xs.isEmpty else {
      planes = [Float](repeating: 0, count: 31 * rows * columns)
      return
    }
    let grid = CellGrid(
      cellSize: cellSize, cellRows: cellRows, cellColumns: cellColumns,
      visibleRows: min(cellRows * cellSize, image.height) - 1,
      visibleColumns: min(cellColumns * cellSize, image.width) - 1)
    // Block norms of cells ys.lower ..< ys.upper + 2 read histograms one row and column further
    // (the histograms have a border of one cell).
    let histogramRows = ys.lowerBound + 1..<ys.upperBound + 3
    let histogramColumns = xs.lowerBound + 1..<xs.upperBound + 3
    let histograms = Self.histograms(
      image: image, grid: grid, histogramRows: histogramRows, histogramColumns: histogramColumns)
    planes = Self.normalized(
      histograms, grid: grid, ys: ys, xs: xs, rows: rows, columns: columns,
      rowOffset: rowOffset, columnOffset: columnOffset)
  }

  /// The plane size `init(image:...)` gives for an image of `imageWidth x imageHeight` (0 x 0
  /// when it has fewer than 3 cells on an axis).
  static func planeSize(
    imageWidth: Int, imageHeight: Int, cellSize: Int, filterRows: Int, filterColumns: Int
  ) -> (rows: Int, columns: Int) {
    let hogRows = Int(Double(Float(imageHeight) / Float(cellSize)) + 0.5) - 2
    let hogColumns = Int(Double(Float(imageWidth) / Float(cellSize)) + 0.5) - 2
    guard hogRows > 0, hogColumns > 0 else { return (0, 0) }
    return (hogRows + filterRows - 1, hogColumns + filterColumns - 1)
  }

  /// The cell layout of one image.
  private struct CellGrid {
    let cellSize: Int
    let cellRows: Int
    let cellColumns: Int
    /// Pixels `1 ..< visibleRows` (`visibleColumns`) vote.
    let visibleRows: Int
    let visibleColumns: Int
    /// Histograms are `(cellRows + 2) x (cellColumns + 2) x 18`.
    var histogramStride: Int { cellColumns + 2 }

    /// The pixels (of `1 ..< visible`) that vote into the histogram cells `cells`: a pixel at
    /// `p` votes into cells `floor((p + 0.5) / cellSize - 0.5) + 1` and `+ 2`.
    func voters(of cells: Range<Int>, visible: Int) -> Range<Int> {
      (cellSize * (cells.lowerBound - 2)..<cellSize * (cells.upperBound + 1)).clamped(
        to: 1..<max(visible, 1))
    }
  }

  private static func shifted(_ range: Range<Int>, by offset: Int) -> Range<Int> {
    range.lowerBound + offset..<range.upperBound + offset
  }

  /// The 9 unsigned orientations, `(x, y)` pairs.
  private static let directions: [Float] = [
    1.0000, 0.0000, 0.9397, 0.3420, 0.7660, 0.6428, 0.500, 0.8660, 0.1736, 0.9848,
    -0.1736, 0.9848, -0.5000, 0.8660, -0.7660, 0.6428, -0.9397, 0.3420,
  ]

  /// The orientation bin (0..<18) of a gradient: dlib's loop over the 9 directions keeping the
  /// first largest `dot` (bin `o`) or `-dot` (bin `o + 9`), starting from 0.
  @inline(__always)
  private static func bin(gx: Float, gy: Float, directions d: UnsafePointer<Float>) -> Int {
    var best: Float = 0
    var bin = 0
    for o in 0..<9 {
      let dot = gx * d[2 * o] + gy * d[2 * o + 1]
      if dot > best {
        best = dot
        bin = o
      } else if -dot > best {
        best = -dot
        bin = o + 9
      }
    }
    return bin
  }

  /// The histograms (`(cellRows + 2) x (cellColumns + 2) x 18`) of the cells
  /// `histogramRows x histogramColumns`; other cells may hold partial sums.
  private static func histograms(
    image: RGBImage, grid: CellGrid, histogramRows: Range<Int>, histogramColumns: Range<Int>
  ) -> [Float] {
    let width = image.width
    let stride = grid.histogramStride
    var histograms = [Float](repeating: 0, count: (grid.cellRows + 2) * stride * 18)
    let pixelRows = grid.voters(of: histogramRows, visible: grid.visibleRows)
    let pixelColumns = grid.voters(of: histogramColumns, visible: grid.visibleColumns)
    guard !pixelRows.isEmpty, !pixelColumns.isEmpty else { return histograms }
    // Columns 1 ..< blockEnd of the whole image are done in blocks of 8, the rest one by one.
    var blockEnd = 1
    while blockEnd < grid.visibleColumns - 7 { blockEnd += 8 }
    // Per pixel: gradient length and bin, in parallel over rows.
    let bandWidth = pixelColumns.count
    var lengths = [Float](repeating: 0, count: pixelRows.count * bandWidth)
    var bins = [UInt8](repeating: 0, count: pixelRows.count * bandWidth)
    image.pixels.withUnsafeBufferPointer { pixels in
      lengths.withUnsafeMutableBufferPointer { lengthBuffer in
        bins.withUnsafeMutableBufferPointer { binBuffer in
          directions.withUnsafeBufferPointer { directions in
            let lengthOut = UnsafeSendable(lengthBuffer.baseAddress!)
            let binOut = UnsafeSendable(binBuffer.baseAddress!)
            let d = directions.baseAddress!
            let p = pixels.baseAddress!
            Parallel.forEachChunk(of: pixelRows.count) { range in
              for i in range {
                let y = pixelRows.lowerBound + i
                let outRow = i * bandWidth - pixelColumns.lowerBound
                for x in pixelColumns {
                  let center = (y * width + x) * 3
                  let (right, left) = (p + center + 3, p + center - 3)
                  let (below, above) = (p + center + width * 3, p + center - width * 3)
                  let rx = Int32(right[0]) - Int32(left[0])
                  let ry = Int32(below[0]) - Int32(above[0])
                  let gx = Int32(right[1]) - Int32(left[1])
                  let gy = Int32(below[1]) - Int32(above[1])
                  let bx = Int32(right[2]) - Int32(left[2])
                  let by = Int32(below[2]) - Int32(above[2])
                  let (red, green, blue) = (rx * rx + ry * ry, gx * gx + gy * gy, bx * bx + by * by)
                  var (cx, cy, length) = (rx, ry, red)
                  if x < blockEnd {
                    // dlib's SIMD selects: red only if strictly larger than green, the
                    // result only if strictly larger than blue (ties go to green, then blue).
                    if !(red > green) { (cx, cy, length) = (gx, gy, green) }
                    if !(length > blue) { (cx, cy, length) = (bx, by, blue) }
                  } else {
                    // dlib's single-pixel path: ties go to red, then green.
                    if green > length { (cx, cy, length) = (gx, gy, green) }
                    if blue > length { (cx, cy, length) = (bx, by, blue) }
                  }
                  lengthOut.pointer[outRow + x] = Float(length).squareRoot()
                  binOut.pointer[outRow + x] = UInt8(
                    truncatingIfNeeded: bin(gx: Float(cx), gy: Float(cy), directions: d))
                }
              }
            }
          }
        }
      }
    }
    // Bilinear votes, in dlib's order (rows, then columns, 4 cells per pixel).
    let cellSize = grid.cellSize
    let cell = Float(cellSize)
    // Per column: the left histogram column and the x weights (they do not depend on the row).
    let columnVotes = pixelColumns.map {
      x -> (column: Int, vx0: Float, vx1: Float, isBlock: Bool) in
      if x < blockEnd {
        let xp = (Float(x) + 0.5) / cell + 0.5
        let ixp = Int(xp)  // truncation; xp > 0
        let vx0 = xp - Float(ixp)
        return (ixp, vx0, 1 - vx0, true)
      }
      let xp = Float((Double(x) + 0.5) / Double(cellSize) - 0.5)
      let ixp = Int(xp.rounded(.down))
      let vx0 = xp - Float(ixp)
      return (ixp + 1, vx0, Float(1.0 - Double(vx0)), false)
    }
    histograms.withUnsafeMutableBufferPointer { h in
      lengths.withUnsafeBufferPointer { lengths in
        bins.withUnsafeBufferPointer { bins in
          for (i, y) in pixelRows.enumerated() {
            let yp = Float((Double(y) + 0.5) / Double(cell) - 0.5)
            let iyp = Int(yp.rounded(.down))
            let vy0 = yp - Float(iyp)
            let vy1 = Float(1.0 - Double(vy0))
            let upper = (iyp + 1) * stride
            let lower = (iyp + 2) * stride
            for j in 0..<bandWidth {
              let v = lengths[i * bandWidth + j]
              let o = Int(bins[i * bandWidth + j])
              let vote = columnVotes[j]
              let v11: Float
              let v01: Float
              let v10: Float
              let v00: Float
              if vote.isBlock {
                let (wx1, wx0) = (vote.vx1 * v, vote.vx0 * v)
                (v11, v01, v10, v00) = (vy1 * wx1, vy0 * wx1, vy1 * wx0, vy0 * wx0)
              } else {
                (v11, v01) = (vy1 * vote.vx1 * v, vy0 * vote.vx1 * v)
                (v10, v00) = (vy1 * vote.vx0 * v, vy0 * vote.vx0 * v)
              }
              let c = vote.column
              h[(upper + c) * 18 + o] += v11
              h[(lower + c) * 18 + o] += v01
              h[(upper + c + 1) * 18 + o] += v10
              h[(lower + c + 1) * 18 + o] += v00
            }
          }
        }
      }
    }
    return histograms
  }

  /// The 31 normalized planes of the interior cells `ys x xs`, zeros elsewhere.
  private static func normalized(
    _ histograms: [Float], grid: CellGrid, ys: Range<Int>, xs: Range<Int>, rows: Int,
    columns: Int, rowOffset: Int, columnOffset: Int
  ) -> [Float] {
    let stride = grid.histogramStride
    let cellColumns = grid.cellColumns
    // norm[r][c] = sum over o of (h[o] + h[o + 9])^2 of cell (r, c), for the cells read below.
    var norms = [Float](repeating: 0, count: grid.cellRows * cellColumns)
    for r in ys.lowerBound..<ys.upperBound + 2 {
      for c in xs.lowerBound..<xs.upperBound + 2 {
        let h = ((r + 1) * stride + c + 1) * 18
        var sum: Float = 0
        for o in 0..<9 {
          let both = histograms[h + o] + histograms[h + o + 9]
          sum = sum + both * both
        }
        norms[r * cellColumns + c] = sum
      }
    }
    let planeSize = rows * columns
    var planes = [Float](repeating: 0, count: 31 * planeSize)
    let epsilon = SIMD4<Float>(repeating: 0.0001)
    planes.withUnsafeMutableBufferPointer { buffer in
      norms.withUnsafeBufferPointer { norms in
        histograms.withUnsafeBufferPointer { histograms in
          let out = UnsafeSendable(buffer.baseAddress!)
          Parallel.forEachChunk(of: ys.count) { range in
            for y in ys.lowerBound + range.lowerBound..<ys.lowerBound + range.upperBound {
              for x in xs {
                @inline(__always) func n(_ r: Int, _ c: Int) -> Float {
                  norms[r * cellColumns + c]
                }
                // The 4 blocks around the cell, as dlib's 4 SIMD lanes.
                let z1 = SIMD4<Float>(n(y + 1, x + 1), n(y, x + 1), n(y + 1, x), n(y, x))
                let z2 = SIMD4<Float>(n(y + 1, x + 2), n(y, x + 2), n(y + 1, x + 1), n(y, x + 1))
                let z3 = SIMD4<Float>(n(y + 2, x + 1), n(y + 1, x + 1), n(y + 2, x), n(y + 1, x))
                let z4 = SIMD4<Float>(
                  n(y + 2, x + 2), n(y + 1, x + 2), n(y + 2, x + 1), n(y + 1, x + 1))
                let nn =
                  SIMD4<Float>(repeating: 0.2)
                  * (((z1 + z2) + z3) + z4 + epsilon)
                  .squareRoot()
                let scale = SIMD4<Float>(repeating: 0.1) / nn
                let h = ((y + 2) * stride + x + 2) * 18
                let target = (y + rowOffset) * columns + x + columnOffset
                var texture = SIMD4<Float>(repeating: 0)
                for o in Swift.stride(from: 0, to: 18, by: 3) {
                  let h0 = pointwiseMin(SIMD4(repeating: histograms[h + o]), nn) * scale
                  let h1 = pointwiseMin(SIMD4(repeating: histograms[h + o + 1]), nn) * scale
                  let h2 = pointwiseMin(SIMD4(repeating: histograms[h + o + 2]), nn) * scale
                  out.pointer[o * planeSize + target] = laneSum(h0)
                  out.pointer[(o + 1) * planeSize + target] = laneSum(h1)
                  out.pointer[(o + 2) * planeSize + target] = laneSum(h2)
                  texture = texture + ((h0 + h1) + h2)
                }
                texture = texture * SIMD4(repeating: Float(2 * 0.2357))
                for o in 0..<9 {
                  let both = histograms[h + o] + histograms[h + o + 9]
                  let value = pointwiseMin(SIMD4(repeating: both), nn) * scale
                  out.pointer[(o + 18) * planeSize + target] = laneSum(value)
                }
                for k in 0..<4 {
                  out.pointer[(27 + k) * planeSize + target] = texture[k]
                }
              }
            }
          }
        }
      }
    }
    return planes
  }

  /// `(a0 + a1) + (a2 + a3)`, the order of the SSE4.1 dot product dlib's `sum` uses.
  @inline(__always)
  private static func laneSum(_ a: SIMD4<Float>) -> Float {
    (a[0] + a[1]) + (a[2] + a[3])
  }
}
