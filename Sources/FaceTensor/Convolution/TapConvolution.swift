/// Stride-1 convolutions with few output channels, computed one kernel tap at a time instead of
/// through im2col (the "kn2row" scheme).
///
/// With `T = KH·KW` taps and the kernel rearranged as `W[C × T·OC]` (`W[c, t·OC + oc] =
/// kernel[kh, kw, c, oc]`, `t = kh·KW + kw`), one GEMM on the input's own rows gives every tap's
/// products at once, `Z[pixel, t·OC + oc] = Σ_c x[pixel, c] · W[c, t·OC + oc]`, and each output is
/// the sum of `T` of them, read at shifted pixels: `y[oh, ow] = b + Σ_t Z[(oh - padTop + kh,
/// ow - padLeft + kw), t]`, taps outside the input skipped (they read zeros). The matrices written
/// per pixel hold `T·OC` floats instead of im2col's `T·C`, which is what makes this pay when
/// `OC` is a small fraction of `C` (dlib's MMOD detector ends with a 9x9 convolution from 45
/// channels to 1: 81 floats per pixel instead of 3,645).
///
/// The adjoints use the same shifted layout: `G[pixel, t·OC + oc] = dy[(ih + padTop - kh,
/// iw + padLeft - kw), oc]` (zero outside the output) gives `dx = G · Wᵀ` and `dW = xᵀ · G`.
///
/// Work is cut into tiles of image rows, `rowsPerTile(for:)` each: a forward tile computes `Z`
/// for the input rows its output rows read (`KH - 1` rows more than it has), an adjoint tile `G`
/// for its own input rows.
enum TapConvolution {
  /// The bytes of `Z` or `G` one tile should fill, at most.
  static let tileBytes = 4 * 1024 * 1024

  /// Whether `geometry` is computed this way: stride 1, no dilation, more than one tap, and at
  /// least four input channels per output channel.
  static func applies(to g: Conv2DGeometry) -> Bool {
    g.strideY == 1 && g.strideX == 1 && g.dilationY == 1 && g.dilationX == 1
      && g.kernelHeight * g.kernelWidth > 1 && 4 * g.outputChannels <= g.inputChannels
  }

  /// Image rows per tile: as many as keep a tile's `Z` (its rows plus `KH - 1`) within
  /// `tileBytes`, but at least `KH - 1` (so that a forward tile computes at most twice the
  /// products it uses), and at most the output's height.
  static func rowsPerTile(for g: Conv2DGeometry) -> Int {
    let rowBytes = MemoryLayout<Float>.size * g.inputWidth * tapColumns(g)
    let fitting = tileBytes / max(rowBytes, 1) - (g.kernelHeight - 1)
    return min(max(fitting, g.kernelHeight - 1, 1), max(g.outputHeight, g.inputHeight))
  }

  /// `T·OC`: the columns of `Z`, `G` and the rearranged kernel.
  static func tapColumns(_ g: Conv2DGeometry) -> Int {
    g.kernelHeight * g.kernelWidth * g.outputChannels
  }

  /// The forward pass into `y` (`[N, OH, OW, OC]`), bias included, each row rectified
  /// (`max(0, y)`) when it is complete if `rectified`.
  static func forward(
    _ x: UnsafePointer<Float>, kernel: UnsafePointer<Float>, bias: [Float]?,
    into y: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry, threads: Int,
    rectified: Bool
  ) {
    let columns = tapColumns(g)
    let weights = tapMatrix(kernel, geometry: g)
    let rows = rowsPerTile(for: g)
    let tiles = rowTiles(height: g.outputHeight, rows: rows, batch: g.batch)
    let (x, y) = (UnsafeSendable(x), UnsafeSendable(y))
    let scratch = (rows + g.kernelHeight - 1) * g.inputWidth * columns
    forEachTile(tiles, threads: threads, scratch: scratch) { tile, threads, z in
      // The input rows the tile's output rows read.
      let first = max(0, tile.rows.lowerBound - g.padTop)
      let last = min(g.inputHeight, tile.rows.upperBound - 1 - g.padTop + g.kernelHeight)
      if last > first {
        weights.withUnsafeBufferPointer { w in
          gemm(
            m: (last - first) * g.inputWidth, n: columns, k: g.inputChannels,
            a: x.pointer + (tile.image * g.inputHeight + first) * g.inputWidth * g.inputChannels,
            lda: g.inputChannels, b: w.baseAddress!, ldb: columns, c: z, ldc: columns,
            threads: threads)
        }
      }
      for oh in tile.rows {
        let row = y.pointer + (tile.image * g.outputHeight + oh) * g.outputWidth * g.outputChannels
        fillRow(row, bias: bias, geometry: g)
        for kh in 0..<g.kernelHeight {
          let ih = oh - g.padTop + kh
          guard ih >= first && ih < last else { continue }
          for kw in 0..<g.kernelWidth {
            let (low, high) = (
              max(0, g.padLeft - kw), min(g.outputWidth, g.inputWidth + g.padLeft - kw)
            )
            guard high > low else { continue }
            let t = kh * g.kernelWidth + kw
            var source =
              z + ((ih - first) * g.inputWidth + low - g.padLeft + kw) * columns + t
              * g.outputChannels
            var target = row + low * g.outputChannels
            for _ in low..<high {
              for oc in 0..<g.outputChannels { target[oc] += source[oc] }
              source += columns
              target += g.outputChannels
            }
          }
        }
        if rectified { Convolution.rectify(row, count: g.outputWidth * g.outputChannels) }
      }
    }
  }

  /// The input gradient into `dx` (`[N, H, W, C]`, every element written): `dx = G · Wᵀ` per
  /// tile of input rows.
  static func inputGradient(
    _ dy: UnsafePointer<Float>, kernel: UnsafePointer<Float>,
    into dx: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry, threads: Int
  ) {
    let columns = tapColumns(g)
    let weights = tapMatrix(kernel, geometry: g)
    let rows = rowsPerTile(for: g)
    let tiles = rowTiles(height: g.inputHeight, rows: rows, batch: g.batch)
    let (dy, dx) = (UnsafeSendable(dy), UnsafeSendable(dx))
    forEachTile(tiles, threads: threads, scratch: rows * g.inputWidth * columns) {
      tile, threads, shifted in
      packShiftedGradient(dy.pointer, tile: tile, geometry: g, into: shifted)
      weights.withUnsafeBufferPointer { w in
        // dx[rows] = G[rows·W × T·OC] · W[C × T·OC]ᵀ
        gemm(
          .none, .transposed, m: tile.rows.count * g.inputWidth, n: g.inputChannels, k: columns,
          a: shifted, lda: columns, b: w.baseAddress!, ldb: columns,
          c: dx.pointer
            + (tile.image * g.inputHeight + tile.rows.lowerBound) * g.inputWidth * g.inputChannels,
          ldc: g.inputChannels, threads: threads)
      }
    }
  }

  /// The kernel gradient into `dKernel` (`[KH, KW, C, OC]`, overwritten): `dW = Σ_tiles
  /// x[rows]ᵀ · G[rows]`, rearranged to HWIO.
  static func kernelGradient(
    _ dy: UnsafePointer<Float>, input x: UnsafePointer<Float>,
    into dKernel: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry, threads: Int
  ) {
    let columns = tapColumns(g)
    let rows = rowsPerTile(for: g)
    let tiles = rowTiles(height: g.inputHeight, rows: rows, batch: g.batch)
    let (dy, x) = (UnsafeSendable(dy), UnsafeSendable(x))
    let parts = Parallel.split(
      tiles.count, into: threads > 1 && tiles.count >= 2 * threads ? threads : 1, alignment: 1)
    let size = g.inputChannels * columns
    // One partial `dW [C × T·OC]` per part of the tiles, summed afterwards.
    var partials = [Float](repeating: 0, count: parts.count * size)
    partials.withUnsafeMutableBufferPointer { partials in
      let partials = UnsafeSendable(partials.baseAddress!)
      Parallel.forEach(parts.count, chunks: parts.count) { part in
        withScratch(count: rows * g.inputWidth * columns) { shifted in
          for tile in tiles[parts[part]] {
            packShiftedGradient(dy.pointer, tile: tile, geometry: g, into: shifted)
            // dW[C × T·OC] += x[rows·W × C]ᵀ · G[rows·W × T·OC]
            gemm(
              .transposed, .none, m: g.inputChannels, n: columns,
              k: tile.rows.count * g.inputWidth,
              a: x.pointer
                + (tile.image * g.inputHeight + tile.rows.lowerBound) * g.inputWidth
                  * g.inputChannels,
              lda: g.inputChannels, b: shifted, ldb: columns, beta: 1,
              c: partials.pointer + part * size, ldc: columns,
              threads: parts.count == 1 ? threads : 1)
          }
        }
      }
    }
    for c in 0..<g.inputChannels {
      for t in 0..<(g.kernelHeight * g.kernelWidth) {
        for oc in 0..<g.outputChannels {
          let index = c * columns + t * g.outputChannels + oc
          dKernel[(t * g.inputChannels + c) * g.outputChannels + oc] = (0..<parts.count).reduce(0) {
            $0 + partials[$1 * size + index]
          }
        }
      }
    }
  }

  /// One tile: image `image`, image rows `rows` (output rows forward, input rows backward).
  struct Tile {
    let image: Int
    let rows: Range<Int>
  }

  /// The tiles covering rows `0..<height` of every image, `rows` at a time.
  static func rowTiles(height: Int, rows: Int, batch: Int) -> [Tile] {
    (0..<batch).flatMap { image in
      stride(from: 0, to: height, by: rows).map {
        Tile(image: image, rows: $0..<min(height, $0 + rows))
      }
    }
  }

  /// `body(tile, threads, scratch)` for every tile: across the threads (one thread per tile) when
  /// there are at least two tiles per thread, else one after the other with all the threads.
  private static func forEachTile(
    _ tiles: [Tile], threads: Int, scratch: Int,
    _ body: (Tile, Int, UnsafeMutablePointer<Float>) -> Void
  ) {
    guard threads > 1 && tiles.count >= 2 * threads else {
      withScratch(count: scratch) { buffer in
        for tile in tiles { body(tile, threads, buffer) }
      }
      return
    }
    Parallel.forEachChunk(of: tiles.count, chunks: threads) { chunk in
      withScratch(count: scratch) { buffer in
        for index in chunk { body(tiles[index], 1, buffer) }
      }
    }
  }

  /// The kernel `[KH, KW, C, OC]` rearranged to `W[C × T·OC]`.
  static func tapMatrix(_ kernel: UnsafePointer<Float>, geometry g: Conv2DGeometry) -> [Float] {
    let (taps, columns) = (g.kernelHeight * g.kernelWidth, tapColumns(g))
    var w = [Float](repeating: 0, count: g.inputChannels * columns)
    for t in 0..<taps {
      for c in 0..<g.inputChannels {
        for oc in 0..<g.outputChannels {
          w[c * columns + t * g.outputChannels + oc] =
            kernel[(t * g.inputChannels + c) * g.outputChannels + oc]
        }
      }
    }
    return w
  }

  /// One output row's start: the bias in every pixel, or zeros.
  @inline(__always)
  private static func fillRow(
    _ row: UnsafeMutablePointer<Float>, bias: [Float]?, geometry g: Conv2DGeometry
  ) {
    guard let bias else {
      row.initialize(repeating: 0, count: g.outputWidth * g.outputChannels)
      return
    }
    for ow in 0..<g.outputWidth {
      for oc in 0..<g.outputChannels { row[ow * g.outputChannels + oc] = bias[oc] }
    }
  }

  /// Writes `G` for `tile`'s input rows: `G[(ih - first)·W + iw, t·OC + oc] = dy[image, ih +
  /// padTop - kh, iw + padLeft - kw, oc]`, zero where that lies outside the output.
  private static func packShiftedGradient(
    _ dy: UnsafePointer<Float>, tile: Tile, geometry g: Conv2DGeometry,
    into shifted: UnsafeMutablePointer<Float>
  ) {
    let columns = tapColumns(g)
    shifted.initialize(repeating: 0, count: tile.rows.count * g.inputWidth * columns)
    for ih in tile.rows {
      let rowStart = shifted + (ih - tile.rows.lowerBound) * g.inputWidth * columns
      for kh in 0..<g.kernelHeight {
        let oh = ih + g.padTop - kh
        guard oh >= 0 && oh < g.outputHeight else { continue }
        let outputRow = dy + (tile.image * g.outputHeight + oh) * g.outputWidth * g.outputChannels
        for kw in 0..<g.kernelWidth {
          let (low, high) = (
            max(0, kw - g.padLeft), min(g.inputWidth, g.outputWidth + kw - g.padLeft)
          )
          guard high > low else { continue }
          let t = kh * g.kernelWidth + kw
          var target = rowStart + low * columns + t * g.outputChannels
          var source = outputRow + (low + g.padLeft - kw) * g.outputChannels
          for _ in low..<high {
            for oc in 0..<g.outputChannels { target[oc] = source[oc] }
            target += columns
            source += g.outputChannels
          }
        }
      }
    }
  }
}
