import FaceTensor

/// Some P-Net output cells of one pyramid level, and the part of the level P-Net reads to score
/// them.
///
/// P-Net is fully convolutional: its output cell `(a, b)` (level x, level y) reads the 12x12
/// window of the level whose top-left pixel is `(2a, 2b)` (the last cells of a level whose first
/// convolution's output has odd size read one pixel past it, which pooling pads). The region is
/// the smallest window holding every cell's window, cut at the level's edges; it starts at an
/// even column and row, so its 2x2 pooling cells, and the pooling's padding at the level's edges,
/// are the whole level's, and P-Net's output on it is the whole level's output over those cells
/// (up to float rounding in the convolutions' GEMMs).
struct MTCNNPNetCells {
  /// One output cell: level x (`a`) and level y (`b`).
  struct Cell: Equatable {
    let x: Int
    let y: Int
  }

  /// The level's scale (one of `MTCNNPyramid.scales`).
  let scale: Double
  /// The cells, in the order their probabilities are returned.
  let cells: [Cell]

  /// The cells `cells` of the level at `scale`.
  /// - Precondition: `cells` is not empty.
  init(scale: Double, cells: [Cell]) {
    precondition(!cells.isEmpty, "[MTCNNPNetCells] no cells")
    self.scale = scale
    self.cells = cells
  }

  /// The level window P-Net reads for the cells on a level of `levelWidth x levelHeight`
  /// pixels: columns `x..<x + width`, rows `y..<y + height`, with `x` and `y` even.
  func region(levelWidth: Int, levelHeight: Int) -> (x: Int, y: Int, width: Int, height: Int) {
    let (columns, rows) = (cells.map(\.x), cells.map(\.y))
    let (left, top) = (2 * columns.min()!, 2 * rows.min()!)
    let right = min(2 * columns.max()! + 12, levelWidth)
    let bottom = min(2 * rows.max()! + 12, levelHeight)
    return (left, top, right - left, bottom - top)
  }

  /// P-Net's face probability of each cell on the level of `image` (`[1, H, W, 3]`, RGB on the
  /// 0...255 scale; `MTCNNPyramid.resizedLevel`), and the pullback from their gradient (one value
  /// per cell) to the image's `[1, H, W, 3]`.
  ///
  /// Only the level's region goes through P-Net; the pullback zero-pads the region's gradient
  /// to the level's and resizes it back to the image (the transposed INTER_AREA resampling).
  func probabilitiesWithPullback(in image: Tensor, pnet: Network)
    -> (value: [Float], pullback: (_ probabilityGradient: ArraySlice<Float>) -> Tensor)
  {
    let (level, levelPullback) = MTCNNPyramid.resizedLevel(of: image, scale: scale)
    let region = region(levelWidth: level.shape[2], levelHeight: level.shape[1])
    let (crop, cropPullback) = level.croppedWithPullback(
      x: region.x, y: region.y, width: region.width, height: region.height)
    let (outputs, pnetPullback) = pnet.valueWithPullback(
      at: MTCNNInput.transposed(floats: crop), scope: .input)
    // [1, W', H', 2] over the region: cell (a, b) is at (a - x / 2, b - y / 2).
    let probabilities = outputs[1]
    let shape = probabilities.shape
    let indices = cells.map { cell in
      ((cell.x - region.x / 2) * shape[2] + cell.y - region.y / 2) * 2 + 1
    }
    let values = probabilities.withUnsafeBufferPointer { p in indices.map { p[$0] } }
    return (
      values,
      { probabilityGradient in
        precondition(
          probabilityGradient.count == indices.count,
          "[MTCNNPNetCells] \(probabilityGradient.count) gradients for \(indices.count) cells")
        var seed = Tensor(zeros: shape)
        seed.withUnsafeMutableBufferPointer { seed in
          for (index, gradient) in zip(indices, probabilityGradient) { seed[index] += gradient }
        }
        let regionGradient = MTCNNInput.untransposed(gradient: pnetPullback([nil, seed]).input)
        return levelPullback(cropPullback(regionGradient))
      }
    )
  }
}
