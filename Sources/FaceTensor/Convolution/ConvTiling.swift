/// How the rows of a convolution's im2col matrix are cut into cache-sized tiles.
struct ConvTiling {
  /// Rows (output pixels) per tile; the last tile may be shorter.
  let rowsPerTile: Int
  /// Number of tiles covering all `N·OH·OW` rows.
  let tileCount: Int
  /// Whether the tiles are spread over threads (enough tiles to balance), as opposed to packing the
  /// whole matrix and splitting the GEMM itself.
  ///
  /// Every tile's GEMM repacks the whole `[K×OC]` kernel, so tiles are used only when they have at
  /// least `OC` rows (late ResNet stages at batch 1 run one GEMM on the whole matrix instead).
  let isParallelOverTiles: Bool
  private let rowCount: Int

  /// The im2col bytes one tile may occupy: it stays in a core's L2 while the GEMM reads it.
  static let tileBytes = 256 * 1024

  /// - Parameter disjointWindows: make tiles long enough that tiles two apart read disjoint input
  ///   pixels (needed by the scatter-adding backward pass when tiles run concurrently).
  init(geometry g: Conv2DGeometry, threads: Int, disjointWindows: Bool) {
    rowCount = g.patchCount
    var rows = max(64, ConvTiling.tileBytes / (MemoryLayout<Float>.size * g.patchLength))
    rows = (rows + 15) / 16 * 16
    if disjointWindows {
      let overlappingRows = (g.kernelHeight - 1) * g.dilationY / g.strideY
      rows = max(rows, (overlappingRows + 1) * g.outputWidth)
    }
    rowsPerTile = min(rows, max(rowCount, 1))
    tileCount = (rowCount + rowsPerTile - 1) / rowsPerTile
    isParallelOverTiles =
      (threads == 1 || tileCount >= 2 * threads) && rowsPerTile >= g.outputChannels
  }

  /// The patch rows of tile `t`.
  func rows(ofTile t: Int) -> Range<Int> {
    (t * rowsPerTile)..<min(rowCount, (t + 1) * rowsPerTile)
  }
}
