import FaceTensor

/// dlib's FHOG orientation histograms: each pixel's gradient length voted into the bins of the 4
/// cells nearest it, bilinearly (the "populate the gradient histograms" loop of
/// `impl_extract_fhog_features`, dlib/image_transforms/fhog.h lines 820-956, dlib 20.0.1).
///
/// Pixel `(y, x)` lies at `yp = (y + 0.5) / cellSize - 0.5` cell rows (`xp` likewise), between
/// histogram rows `floor(yp) + 1` and `+ 2` (and columns). With `vy0 = yp - floor(yp)`,
/// `vy1 = 1 - vy0` (`vx0`, `vx1`) and the length `v`, it adds `vy1 vx1 v`, `vy0 vx1 v`,
/// `vy1 vx0 v`, `vy0 vx0 v` to its orientation bin of the top-left, bottom-left, top-right and
/// bottom-right cells, in that order, pixels row by row and left to right. The two column paths
/// (`DlibFHOGCellGrid.blockColumnsEnd`) round differently:
/// - 8-column blocks (lines 838-841, 864-870): `xp = (x + 0.5) / cellSize + 0.5` in `float`,
///   truncated (`_mm256_cvttps_epi32`, dlib/simd/simd8f.h line 37), `vx1 = 1.0f - vx0`, and the
///   votes `vy * (vx * v)`;
/// - single columns (lines 946-954): `xp` in `double` rounded to `float`, `floor`,
///   `vx1 = 1.0 - vx0` in `double`, and the votes `(vy * vx) * v`.
///
/// Both paths take the row weights of lines 823-826 (`yp` in `double` rounded to `float`).
struct DlibFHOGHistograms: Sendable {
  /// Columns of histogram cells (`DlibFHOGCellGrid.histogramStride`).
  let stride: Int
  /// `(cellRows + 2) x stride x 18` sums of gradient lengths (8-bit channel steps), bin fastest:
  /// bin `o` of histogram cell `(r, c)` at `(r * stride + c) * 18 + o`.
  let values: [Float]

  /// The histograms of the cells `rows x columns` (histogram coordinates) of `image`: only the
  /// pixels voting into them are visited, in dlib's order, so those cells hold exactly the whole
  /// image's sums; other cells may hold partial sums.
  init(image: RGBImage, grid: DlibFHOGCellGrid, rows: Range<Int>, columns: Range<Int>) {
    let field = DlibFHOGGradientField(
      image: image, rows: grid.voters(of: rows, visible: grid.visibleRows),
      columns: grid.voters(of: columns, visible: grid.visibleColumns),
      blockColumnsEnd: grid.blockColumnsEnd)
    self.init(votesOf: field, grid: grid)
  }

  /// The votes of the pixels of `field`, the others' left out.
  init(votesOf field: DlibFHOGGradientField, grid: DlibFHOGCellGrid) {
    stride = grid.histogramStride
    var values = [Float](repeating: 0, count: (grid.cellRows + 2) * stride * 18)
    let columns = field.columns
    let split = min(max(grid.blockColumnsEnd, columns.lowerBound), columns.upperBound)
    let blockWeights = (columns.lowerBound..<split).map {
      Self.blockColumnWeights(x: $0, cellSize: grid.cellSize)
    }
    let singleWeights = (split..<columns.upperBound).map {
      Self.singleColumnWeights(x: $0, cellSize: grid.cellSize)
    }
    let stride = stride
    values.withUnsafeMutableBufferPointer { h in
      field.lengths.withUnsafeBufferPointer { lengths in
        field.bins.withUnsafeBufferPointer { bins in
          for (i, y) in field.rows.enumerated() {
            let (top, vy0, vy1) = Self.rowWeights(y: y, cellSize: grid.cellSize)
            let (upper, lower) = (top * stride, (top + 1) * stride)
            var pixel = i * columns.count
            for w in blockWeights {
              let (v, o) = (lengths[pixel], Int(bins[pixel]))
              let (wx1, wx0) = (w.vx1 * v, w.vx0 * v)
              h[(upper + w.left) * 18 + o] += vy1 * wx1
              h[(lower + w.left) * 18 + o] += vy0 * wx1
              h[(upper + w.left + 1) * 18 + o] += vy1 * wx0
              h[(lower + w.left + 1) * 18 + o] += vy0 * wx0
              pixel += 1
            }
            for w in singleWeights {
              let (v, o) = (lengths[pixel], Int(bins[pixel]))
              h[(upper + w.left) * 18 + o] += vy1 * w.vx1 * v
              h[(lower + w.left) * 18 + o] += vy0 * w.vx1 * v
              h[(upper + w.left + 1) * 18 + o] += vy1 * w.vx0 * v
              h[(lower + w.left + 1) * 18 + o] += vy0 * w.vx0 * v
              pixel += 1
            }
          }
        }
      }
    }
    self.values = values
  }

  /// Where a pixel column votes: histogram columns `left` and `left + 1`, with dlib's weights
  /// `vx1` and `vx0` (they sum to 1).
  private struct ColumnWeights {
    let left: Int
    let vx0: Float
    let vx1: Float
  }

  /// Row `y`'s top histogram row and weights `vy0`, `vy1` (fhog.h lines 823-826).
  private static func rowWeights(y: Int, cellSize: Int) -> (top: Int, vy0: Float, vy1: Float) {
    let yp = Float((Double(y) + 0.5) / Double(Float(cellSize)) - 0.5)
    let iyp = Int(yp.rounded(.down))
    let vy0 = yp - Float(iyp)
    return (iyp + 1, vy0, Float(1.0 - Double(vy0)))
  }

  /// Column `x`'s weights on the 8-column path (fhog.h lines 838-841), all in `float`; `xp` is
  /// positive, so truncation is `floor`.
  private static func blockColumnWeights(x: Int, cellSize: Int) -> ColumnWeights {
    let xp = (Float(x) + 0.5) / Float(cellSize) + 0.5
    let ixp = Int(xp)
    let vx0 = xp - Float(ixp)
    return ColumnWeights(left: ixp, vx0: vx0, vx1: 1 - vx0)
  }

  /// Column `x`'s weights on the single-column path (fhog.h lines 946-949).
  private static func singleColumnWeights(x: Int, cellSize: Int) -> ColumnWeights {
    let xp = Float((Double(x) + 0.5) / Double(cellSize) - 0.5)
    let ixp = Int(xp.rounded(.down))
    let vx0 = xp - Float(ixp)
    return ColumnWeights(left: ixp + 1, vx0: vx0, vx1: Float(1.0 - Double(vx0)))
  }
}
