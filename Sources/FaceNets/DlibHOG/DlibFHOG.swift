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
/// The histograms come from two steps, `DlibFHOGGradientField` (each pixel's winning channel,
/// length and bin) then `DlibFHOGHistograms` (the bilinear votes). dlib computes pixels in blocks
/// of 8 columns (its `simd8f` path) and the remaining columns one by one, and the two round
/// differently (channel ties: blocks prefer green over red and blue over both, single pixels
/// red, then green, then blue; the bilinear weights are multiplied in another order); both steps
/// follow both paths, so the features equal dlib's exactly. This type normalizes the histograms
/// (fhog.h lines 958-1045).
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
    let grid = DlibFHOGCellGrid(
      imageWidth: image.width, imageHeight: image.height, cellSize: cellSize)
    let hogRows = max(grid.cellRows - 2, 0)
    let hogColumns = max(grid.cellColumns - 2, 0)
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
    // Block norms of cells ys.lower ..< ys.upper + 2 read histograms one row and column further
    // (the histograms have a border of one cell).
    let histogramRows = ys.lowerBound + 1..<ys.upperBound + 3
    let histogramColumns = xs.lowerBound + 1..<xs.upperBound + 3
    let histograms = DlibFHOGHistograms(
      image: image, grid: grid, rows: histogramRows, columns: histogramColumns)
    planes = Self.normalized(
      histograms.values, grid: grid, ys: ys, xs: xs, rows: rows, columns: columns,
      rowOffset: rowOffset, columnOffset: columnOffset)
  }

  /// The plane size `init(image:...)` gives for an image of `imageWidth x imageHeight` (0 x 0
  /// when it has fewer than 3 cells on an axis).
  static func planeSize(
    imageWidth: Int, imageHeight: Int, cellSize: Int, filterRows: Int, filterColumns: Int
  ) -> (rows: Int, columns: Int) {
    let hogRows = DlibFHOGCellGrid.cellCount(pixels: imageHeight, cellSize: cellSize) - 2
    let hogColumns = DlibFHOGCellGrid.cellCount(pixels: imageWidth, cellSize: cellSize) - 2
    guard hogRows > 0, hogColumns > 0 else { return (0, 0) }
    return (hogRows + filterRows - 1, hogColumns + filterColumns - 1)
  }

  private static func shifted(_ range: Range<Int>, by offset: Int) -> Range<Int> {
    range.lowerBound + offset..<range.upperBound + offset
  }

  /// The 31 normalized planes of the interior cells `ys x xs`, zeros elsewhere.
  private static func normalized(
    _ histograms: [Float], grid: DlibFHOGCellGrid, ys: Range<Int>, xs: Range<Int>, rows: Int,
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
