/// How one convolution shape is computed: the strategy, the tiling of the im2col rows and the
/// threading, decided once per geometry and thread count, and the one loop that runs a pass.
///
/// The im2col matrix (`[N·OH·OW, KH·KW·C]`) is never built whole: its rows are cut into tiles
/// (a tile is packed, multiplied and dropped while it is still in cache), so memory and page
/// faults do not grow with the batch. The threads share the work one of two ways:
/// - across tiles, when there are at least two tiles per thread: each thread takes a run of tiles,
///   each tile one single-threaded GEMM (batches, and early layers at batch 1);
/// - within tiles, when there are few rows (late layers at batch 1): tiles one after the other,
///   each GEMM split over the threads.
/// A pointwise convolution (1x1, stride 1, no padding) needs no im2col: one GEMM on the input.
/// A stride-1 convolution with at least four input channels per output channel goes one kernel
/// tap at a time (`TapConvolution`): less to write per pixel than im2col.
public struct ConvolutionPlan: Sendable, Equatable {
  /// How the work of a pass is laid out.
  public enum Strategy: Sendable, Equatable {
    /// The input is the im2col matrix: one GEMM, split over the threads.
    case pointwise
    /// Each thread runs whole tiles, one single-threaded GEMM per tile.
    case acrossTiles
    /// Tiles run one after the other, each GEMM split over the threads.
    case withinTiles
    /// Every tap's products from one GEMM on the input's rows, summed at shifted pixels
    /// (`TapConvolution`), in tiles of image rows.
    case taps
  }

  /// The convolution.
  public let geometry: Conv2DGeometry
  /// The threads a pass uses.
  public let threads: Int
  /// How the work is laid out.
  public let strategy: Strategy
  /// Patch rows per tile (the last tile may be shorter); all rows for `.pointwise`; image rows
  /// (output rows forward) for `.taps`.
  public let rowsPerTile: Int
  /// Tiles covering the `N·OH·OW` patch rows (for `.taps`: the forward pass's tiles).
  public let tileCount: Int

  /// The im2col bytes a tile should at least fill: a tile of this size is still in cache (a
  /// core's L2, or the shared L3) when its GEMM reads it right after packing.
  public static let tileBytes = 256 * 1024
  /// The most im2col bytes one tile may occupy.
  public static let maximumTileBytes = 8 * 1024 * 1024
  /// Tiles have at least this many rows per output channel: every tile's GEMM repacks the whole
  /// `[K×OC]` kernel, which then costs at most a quarter of a row per row of the tile.
  public static let rowsPerOutputChannel = 4

  /// The plan for `geometry` on at most `threads` threads.
  ///
  /// A tile has `tileBytes` of im2col rows or `rowsPerOutputChannel · OC` rows, whichever is
  /// more, at most `maximumTileBytes`, in multiples of 16 rows (OpenBLAS's panel height); and it
  /// is long enough that tiles two apart read disjoint input pixels, which the input gradient's
  /// scatter needs when tiles run concurrently. Tiles run across the threads when there are at
  /// least two per thread, else one after the other with each GEMM split over the threads.
  public init(geometry g: Conv2DGeometry, threads: Int = ComputeThreads.count) {
    geometry = g
    self.threads = max(1, threads)
    let rows = g.patchCount
    guard !g.isPointwise else {
      (strategy, rowsPerTile, tileCount) = (.pointwise, max(rows, 1), 1)
      return
    }
    guard !TapConvolution.applies(to: g) else {
      let tile = TapConvolution.rowsPerTile(for: g)
      (strategy, rowsPerTile) = (.taps, tile)
      tileCount = g.batch * ((g.outputHeight + tile - 1) / tile)
      return
    }
    let rowBytes = MemoryLayout<Float>.size * max(g.patchLength, 1)
    let overlappingRows = (g.kernelHeight - 1) * g.dilationY / g.strideY
    var tile = max(Self.tileBytes / rowBytes, Self.rowsPerOutputChannel * g.outputChannels)
    tile = max(16, min(tile, Self.maximumTileBytes / rowBytes) / 16 * 16)
    tile = min(max(tile, (overlappingRows + 1) * g.outputWidth), max(rows, 1))
    rowsPerTile = tile
    tileCount = (rows + tile - 1) / tile
    strategy = self.threads == 1 || tileCount >= 2 * self.threads ? .acrossTiles : .withinTiles
  }

  /// The patch rows of tile `tile`.
  /// - Precondition: `strategy` is `.acrossTiles` or `.withinTiles`.
  public func rows(ofTile tile: Int) -> Range<Int> {
    (tile * rowsPerTile)..<min(geometry.patchCount, (tile + 1) * rowsPerTile)
  }

  /// What the tiles of a pass write, which decides whether they may run concurrently.
  enum TileWrites {
    /// Each tile writes its own rows of the output (the forward pass).
    case ownRows
    /// Tiles scatter-add into input pixels their neighbours also reach (the input gradient):
    /// concurrent tiles run in two waves, even tiles then odd tiles, since tiles two apart read
    /// disjoint input windows.
    case neighbouringInputs
    /// Every tile accumulates into the same result (the kernel gradient): tiles run one after
    /// the other, each with all the threads.
    case sharedResult
  }

  /// The one loop of every pass: `body(tile, threads, scratch)` for every tile, where `threads`
  /// is how many threads the tile's own work may use (1 when tiles run concurrently) and
  /// `scratch` holds `scratchPerRow` floats per tile row, private to the running thread.
  /// - Precondition: `strategy` is not `.pointwise`.
  func forEachTile(
    scratchPerRow: Int, writes: TileWrites,
    _ body: (_ tile: Int, _ threads: Int, _ scratch: UnsafeMutablePointer<Float>) -> Void
  ) {
    precondition(
      strategy != .pointwise && strategy != .taps,
      "[ConvolutionPlan] \(strategy) has no im2col tiles")
    let scratchCount = rowsPerTile * scratchPerRow
    guard strategy == .acrossTiles, threads > 1, writes != .sharedResult else {
      withScratch(count: scratchCount) { scratch in
        for tile in 0..<tileCount { body(tile, threads, scratch) }
      }
      return
    }
    let waves =
      writes == .neighbouringInputs
      ? [
        Array(stride(from: 0, to: tileCount, by: 2)), Array(stride(from: 1, to: tileCount, by: 2)),
      ]
      : [Array(0..<tileCount)]
    for wave in waves {
      Parallel.forEachChunk(of: wave.count, chunks: threads) { chunk in
        withScratch(count: scratchCount) { scratch in
          for index in chunk { body(wave[index], 1, scratch) }
        }
      }
    }
  }
}

/// Calls `body` with an uninitialised scratch buffer of `count` floats, freed afterwards.
@inline(__always)
func withScratch<R>(count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
  let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
  defer { buffer.deallocate() }
  return body(buffer)
}
