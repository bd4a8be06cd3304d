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

  /// The features of `image` with cells of `cellSize` pixels, laid out for a filter of
  /// `filterRows x filterColumns` cells: the `(cells - 2)` interior cells of each axis sit at
  /// offset `(filter - 1) / 2`, surrounded by zeros, in planes of `cells - 2 + filter - 1`.
  /// An image with fewer than 3 cells on an axis gives empty planes.
  init(image: RGBImage, cellSize: Int, filterRows: Int, filterColumns: Int) {
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
    let histograms = Self.histograms(
      image: image, cellSize: cellSize, cellRows: cellRows, cellColumns: cellColumns)
    planes = Self.normalized(
      histograms, cellRows: cellRows, cellColumns: cellColumns, hogRows: hogRows,
      hogColumns: hogColumns, rows: rows, columns: columns,
      rowOffset: (filterRows - 1) / 2, columnOffset: (filterColumns - 1) / 2)
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

  /// The 9 unsigned orientations.
  private static let directions: [(Float, Float)] = [
    (1.0000, 0.0000), (0.9397, 0.3420), (0.7660, 0.6428), (0.500, 0.8660), (0.1736, 0.9848),
    (-0.1736, 0.9848), (-0.5000, 0.8660), (-0.7660, 0.6428), (-0.9397, 0.3420),
  ]

  /// The orientation bin (0..<18) of a gradient.
  @inline(__always)
  private static func bin(gx: Float, gy: Float) -> Int {
    var best: Float = 0
    var bin = 0
    for o in 0..<9 {
      let dot = gx * directions[o].0 + gy * directions[o].1
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

  /// `(cellRows + 2) x (cellColumns + 2) x 18` histograms (a border of one cell all round).
  private static func histograms(
    image: RGBImage, cellSize: Int, cellRows: Int, cellColumns: Int
  ) -> [Float] {
    let width = image.width
    let histogramColumns = cellColumns + 2
    var histograms = [Float](repeating: 0, count: (cellRows + 2) * histogramColumns * 18)
    let visibleRows = min(cellRows * cellSize, image.height) - 1
    let visibleColumns = min(cellColumns * cellSize, width) - 1
    guard visibleRows > 1, visibleColumns > 1 else { return histograms }
    // Columns 1 ..< blockEnd are done in blocks of 8, the rest one by one.
    var blockEnd = 1
    while blockEnd < visibleColumns - 7 { blockEnd += 8 }
    // Per pixel: gradient length and bin, computed in parallel over rows.
    let rowLength = visibleColumns
    var lengths = [Float](repeating: 0, count: visibleRows * rowLength)
    var bins = [UInt8](repeating: 0, count: visibleRows * rowLength)
    image.pixels.withUnsafeBufferPointer { pixels in
      lengths.withUnsafeMutableBufferPointer { lengthBuffer in
        bins.withUnsafeMutableBufferPointer { binBuffer in
          let lengthOut = UnsafeSendable(lengthBuffer.baseAddress!)
          let binOut = UnsafeSendable(binBuffer.baseAddress!)
          let p = pixels.baseAddress!
          Parallel.forEachChunk(of: visibleRows - 1) { range in
            for y in range.lowerBound + 1..<range.upperBound + 1 {
              for x in 1..<visibleColumns {
                let center = (y * width + x) * 3
                let right = center + 3
                let left = center - 3
                let below = center + width * 3
                let above = center - width * 3
                let gx = SIMD4<Int32>(
                  Int32(p[right]) - Int32(p[left]), Int32(p[right + 1]) - Int32(p[left + 1]),
                  Int32(p[right + 2]) - Int32(p[left + 2]), 0)
                let gy = SIMD4<Int32>(
                  Int32(p[below]) - Int32(p[above]), Int32(p[below + 1]) - Int32(p[above + 1]),
                  Int32(p[below + 2]) - Int32(p[above + 2]), 0)
                let squared = gx &* gx &+ gy &* gy
                var channel: Int
                if x < blockEnd {
                  channel = squared[0] > squared[1] ? 0 : 1
                  channel = squared[channel] > squared[2] ? channel : 2
                } else {
                  channel = 0
                  if squared[1] > squared[channel] { channel = 1 }
                  if squared[2] > squared[channel] { channel = 2 }
                }
                let index = y * rowLength + x
                lengthOut.pointer[index] = Float(squared[channel]).squareRoot()
                binOut.pointer[index] = UInt8(
                  bin(gx: Float(gx[channel]), gy: Float(gy[channel])))
              }
            }
          }
        }
      }
    }
    // Bilinear votes, in dlib's order (rows, then columns, 4 cells per pixel).
    let cell = Float(cellSize)
    histograms.withUnsafeMutableBufferPointer { h in
      for y in 1..<visibleRows {
        let yp = Float((Double(y) + 0.5) / Double(cell) - 0.5)
        let iyp = Int(yp.rounded(.down))
        let vy0 = yp - Float(iyp)
        let vy1 = Float(1.0 - Double(vy0))
        let upper = (iyp + 1) * histogramColumns
        let lower = (iyp + 2) * histogramColumns
        for x in 1..<visibleColumns {
          let index = y * rowLength + x
          let v = lengths[index]
          let o = Int(bins[index])
          let leftColumn: Int
          let v11: Float, v01: Float, v10: Float, v00: Float
          if x < blockEnd {
            let xp = (Float(x) + 0.5) / cell + 0.5
            let ixp = Int(xp)  // truncation; xp > 0
            let vx0 = xp - Float(ixp)
            let vx1 = 1 - vx0
            let (wx1, wx0) = (vx1 * v, vx0 * v)
            (v11, v01, v10, v00) = (vy1 * wx1, vy0 * wx1, vy1 * wx0, vy0 * wx0)
            leftColumn = ixp
          } else {
            let xp = Float((Double(x) + 0.5) / Double(cellSize) - 0.5)
            let ixp = Int(xp.rounded(.down))
            let vx0 = xp - Float(ixp)
            let vx1 = Float(1.0 - Double(vx0))
            (v11, v01, v10, v00) = (vy1 * vx1 * v, vy0 * vx1 * v, vy1 * vx0 * v, vy0 * vx0 * v)
            leftColumn = ixp + 1
          }
          h[(upper + leftColumn) * 18 + o] += v11
          h[(lower + leftColumn) * 18 + o] += v01
          h[(upper + leftColumn + 1) * 18 + o] += v10
          h[(lower + leftColumn + 1) * 18 + o] += v00
        }
      }
    }
    return histograms
  }

  /// The 31 normalized planes from the histograms.
  private static func normalized(
    _ histograms: [Float], cellRows: Int, cellColumns: Int, hogRows: Int, hogColumns: Int,
    rows: Int, columns: Int, rowOffset: Int, columnOffset: Int
  ) -> [Float] {
    let histogramColumns = cellColumns + 2
    // norm[r][c] = sum over o of (h[o] + h[o + 9])^2 of cell (r, c).
    var norms = [Float](repeating: 0, count: cellRows * cellColumns)
    for r in 0..<cellRows {
      for c in 0..<cellColumns {
        let h = ((r + 1) * histogramColumns + c + 1) * 18
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
    let epsilon: Float = 0.0001
    planes.withUnsafeMutableBufferPointer { buffer in
      let out = UnsafeSendable(buffer.baseAddress!)
      Parallel.forEachChunk(of: hogRows) { range in
        for y in range {
          for x in 0..<hogColumns {
            @inline(__always) func n(_ r: Int, _ c: Int) -> Float { norms[r * cellColumns + c] }
            // The 4 blocks around the cell, as dlib's 4 SIMD lanes.
            let z1 = SIMD4<Float>(n(y + 1, x + 1), n(y, x + 1), n(y + 1, x), n(y, x))
            let z2 = SIMD4<Float>(n(y + 1, x + 2), n(y, x + 2), n(y + 1, x + 1), n(y, x + 1))
            let z3 = SIMD4<Float>(n(y + 2, x + 1), n(y + 1, x + 1), n(y + 2, x), n(y + 1, x))
            let z4 = SIMD4<Float>(
              n(y + 2, x + 2), n(y + 1, x + 2), n(y + 2, x + 1), n(y + 1, x + 1))
            let blockSum = ((z1 + z2) + z3) + z4 + SIMD4(repeating: epsilon)
            let nn = SIMD4<Float>(repeating: 0.2) * blockSum.squareRoot()
            let scale = SIMD4<Float>(repeating: 0.1) / nn
            let h = ((y + 2) * histogramColumns + x + 2) * 18
            let target = (y + rowOffset) * columns + x + columnOffset
            var texture = SIMD4<Float>(repeating: 0)
            for o in stride(from: 0, to: 18, by: 3) {
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
    return planes
  }

  /// `(a0 + a1) + (a2 + a3)`, the order of the SSE4.1 dot product dlib's `sum` uses.
  @inline(__always)
  private static func laneSum(_ a: SIMD4<Float>) -> Float {
    (a[0] + a[1]) + (a[2] + a[3])
  }
}
