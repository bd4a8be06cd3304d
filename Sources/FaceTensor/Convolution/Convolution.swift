/// 2-D convolution (cross-correlation) of NHWC batches with HWIO kernels, and its two adjoints,
/// built as im2col + `sgemm`.
///
/// Forward: `y[n, oh, ow, oc] = b[oc] + Σ_{kh, kw, c} x[n, oh*sy - pt + kh*dy, ow*sx - pl + kw*dx, c]
/// · k[kh, kw, c, oc]`, i.e. `Y[M×OC] = cols(x)[M×K] · K[K×OC] + b` with `M = N·OH·OW`,
/// `K = KH·KW·C`.
/// Backward: `dCols = dY · Kᵀ`, `dx = col2im(dCols)`; `dK = cols(x)ᵀ · dY`; `db = Σ_rows dY`.
///
/// The im2col matrix is never built whole when it can be avoided: rows are processed in
/// cache-sized tiles (pack a tile, multiply it, move on), spread over `ComputeThreads.count`
/// threads. A 1x1 stride-1 unpadded convolution is a plain GEMM on the input.
public enum Convolution {
  /// The forward pass: `[N, OH, OW, OC]`.
  ///
  /// - Parameters:
  ///   - input: `[N, H, W, C]`.
  ///   - kernel: `[KH, KW, C, OC]`.
  ///   - bias: `[OC]`, or nil for none.
  ///   - geometry: built from the same shapes.
  /// - Precondition: shapes match `geometry`.
  public static func forward(
    _ input: Tensor, kernel: Tensor, bias: Tensor?, geometry g: Conv2DGeometry,
    threads: Int = ComputeThreads.count
  ) -> Tensor {
    precondition(
      input.shape == g.inputShape, "[conv2D] input \(input.shape), geometry \(g.inputShape)")
    precondition(
      kernel.shape == g.kernelShape, "[conv2D] kernel \(kernel.shape), geometry \(g.kernelShape)")
    if let bias {
      precondition(
        bias.shape == [g.outputChannels],
        "[conv2D] bias \(bias.shape), expected [\(g.outputChannels)]")
    }
    let m = g.patchCount
    let k = g.patchLength
    let oc = g.outputChannels
    var output = Tensor(shape: g.outputShape) { _ in }
    input.withUnsafeBufferPointer { x in
      kernel.withUnsafeBufferPointer { w in
        output.withUnsafeMutableBufferPointer { y in
          let x = UnsafeSendable(x.baseAddress!)
          let w = UnsafeSendable(w.baseAddress!)
          let y = UnsafeSendable(y.baseAddress!)
          if g.isPointwise {
            let beta = fillBias(bias, into: y.pointer, rows: 0..<m, channels: oc)
            gemm(
              m: m, n: oc, k: k, a: x.pointer, lda: k, b: w.pointer, ldb: oc, beta: beta,
              c: y.pointer, ldc: oc, threads: threads)
            return
          }
          let tiling = ConvTiling(geometry: g, threads: threads, disjointWindows: false)
          if tiling.isParallelOverTiles {
            Parallel.forEachChunk(of: tiling.tileCount, chunks: threads) { tiles in
              withScratch(count: tiling.rowsPerTile * k) { cols in
                for t in tiles {
                  let rows = tiling.rows(ofTile: t)
                  Im2col.pack(x.pointer, geometry: g, rows: rows, into: cols)
                  let beta = fillBias(bias, into: y.pointer, rows: rows, channels: oc)
                  BLAS.sgemm(
                    .none, .none, m: rows.count, n: oc, k: k, a: cols, lda: k, b: w.pointer,
                    ldb: oc,
                    beta: beta, c: y.pointer + rows.lowerBound * oc, ldc: oc)
                }
              }
            }
          } else {
            withScratch(count: m * k) { cols in
              let cols = UnsafeSendable(cols)
              Parallel.forEachChunk(of: m, chunks: threads) { rows in
                Im2col.pack(
                  x.pointer, geometry: g, rows: rows, into: cols.pointer + rows.lowerBound * k)
              }
              let beta = fillBias(bias, into: y.pointer, rows: 0..<m, channels: oc)
              gemm(
                m: m, n: oc, k: k, a: cols.pointer, lda: k, b: w.pointer, ldb: oc, beta: beta,
                c: y.pointer, ldc: oc, threads: threads)
            }
          }
        }
      }
    }
    return output
  }

  /// The gradient with respect to the input: `dx = col2im(dY · Kᵀ)`, shape `[N, H, W, C]`.
  ///
  /// - Parameters:
  ///   - outputGradient: `[N, OH, OW, OC]`.
  ///   - kernel: `[KH, KW, C, OC]`.
  public static func inputGradient(
    _ outputGradient: Tensor, kernel: Tensor, geometry g: Conv2DGeometry,
    threads: Int = ComputeThreads.count
  ) -> Tensor {
    precondition(
      outputGradient.shape == g.outputShape,
      "[conv2D backward] output gradient \(outputGradient.shape), geometry \(g.outputShape)")
    precondition(
      kernel.shape == g.kernelShape,
      "[conv2D backward] kernel \(kernel.shape), geometry \(g.kernelShape)")
    let m = g.patchCount
    let k = g.patchLength
    let oc = g.outputChannels
    // The pointwise GEMM writes every element (beta = 0); col2im adds onto zeros.
    var dx =
      g.isPointwise ? Tensor(shape: g.inputShape) { _ in } : Tensor(zeros: g.inputShape)
    outputGradient.withUnsafeBufferPointer { dy in
      kernel.withUnsafeBufferPointer { w in
        dx.withUnsafeMutableBufferPointer { dxBuffer in
          let dy = UnsafeSendable(dy.baseAddress!)
          let w = UnsafeSendable(w.baseAddress!)
          let dx = UnsafeSendable(dxBuffer.baseAddress!)
          if g.isPointwise {
            // dX[M×C] = dY[M×OC] · K[C×OC]ᵀ
            gemm(
              .none, .transposed, m: m, n: k, k: oc, a: dy.pointer, lda: oc, b: w.pointer, ldb: oc,
              c: dx.pointer, ldc: k, threads: threads)
            return
          }
          let tiling = ConvTiling(geometry: g, threads: threads, disjointWindows: true)
          if tiling.isParallelOverTiles {
            // Tiles two apart never share input pixels: even tiles, then odd tiles.
            for wave in 0..<2 {
              let waveTiles = Array(stride(from: wave, to: tiling.tileCount, by: 2))
              Parallel.forEachChunk(of: waveTiles.count, chunks: threads) { chunk in
                withScratch(count: tiling.rowsPerTile * k) { dCols in
                  for t in chunk.map({ waveTiles[$0] }) {
                    let rows = tiling.rows(ofTile: t)
                    BLAS.sgemm(
                      .none, .transposed, m: rows.count, n: k, k: oc,
                      a: dy.pointer + rows.lowerBound * oc, lda: oc, b: w.pointer, ldb: oc,
                      c: dCols, ldc: k)
                    Im2col.accumulate(dCols, geometry: g, rows: rows, into: dx.pointer)
                  }
                }
              }
            }
          } else {
            withScratch(count: m * k) { dCols in
              gemm(
                .none, .transposed, m: m, n: k, k: oc, a: dy.pointer, lda: oc, b: w.pointer,
                ldb: oc,
                c: dCols, ldc: k, threads: threads)
              Im2col.accumulate(dCols, geometry: g, rows: 0..<m, into: dx.pointer)
            }
          }
        }
      }
    }
    return dx
  }

  /// The gradients with respect to the kernel, `dK = cols(x)ᵀ · dY` (`[KH, KW, C, OC]`), and the
  /// bias, `db[oc] = Σ dY[..., oc]` (`[OC]`).
  ///
  /// - Parameters:
  ///   - outputGradient: `[N, OH, OW, OC]`.
  ///   - input: the forward input, `[N, H, W, C]`.
  public static func parameterGradients(
    _ outputGradient: Tensor, input: Tensor, geometry g: Conv2DGeometry,
    threads: Int = ComputeThreads.count
  ) -> (kernel: Tensor, bias: Tensor) {
    precondition(
      outputGradient.shape == g.outputShape,
      "[conv2D backward] output gradient \(outputGradient.shape), geometry \(g.outputShape)")
    precondition(
      input.shape == g.inputShape,
      "[conv2D backward] input \(input.shape), geometry \(g.inputShape)")
    let m = g.patchCount
    let k = g.patchLength
    let oc = g.outputChannels
    var dKernel = Tensor(zeros: g.kernelShape)
    outputGradient.withUnsafeBufferPointer { dy in
      input.withUnsafeBufferPointer { x in
        dKernel.withUnsafeMutableBufferPointer { dk in
          let dy = UnsafeSendable(dy.baseAddress!)
          let x = UnsafeSendable(x.baseAddress!)
          let dk = UnsafeSendable(dk.baseAddress!)
          if g.isPointwise {
            // dK[C×OC] = X[M×C]ᵀ · dY[M×OC]
            gemm(
              .transposed, .none, m: k, n: oc, k: m, a: x.pointer, lda: k, b: dy.pointer, ldb: oc,
              c: dk.pointer, ldc: oc, threads: threads)
            return
          }
          withScratch(count: m * k) { cols in
            let cols = UnsafeSendable(cols)
            Parallel.forEachChunk(of: m, chunks: threads) { rows in
              Im2col.pack(
                x.pointer, geometry: g, rows: rows, into: cols.pointer + rows.lowerBound * k)
            }
            gemm(
              .transposed, .none, m: k, n: oc, k: m, a: cols.pointer, lda: k, b: dy.pointer,
              ldb: oc,
              c: dk.pointer, ldc: oc, threads: threads)
          }
        }
      }
    }
    var dBias = Tensor(zeros: [oc])
    outputGradient.withUnsafeBufferPointer { dy in
      dBias.withUnsafeMutableBufferPointer { db in
        for r in 0..<m {
          let row = dy.baseAddress! + r * oc
          for c in 0..<oc { db[c] += row[c] }
        }
      }
    }
    return (dKernel, dBias)
  }

  /// Writes `bias` into rows `rows` of `y`; returns the GEMM `beta` that adds onto them.
  ///
  /// The result is 1 with a bias and 0 without. OpenBLAS skips its own pass over C when beta is 1,
  /// so the bias costs one write instead of a zeroing pass plus a read-and-add pass.
  @inline(__always)
  private static func fillBias(
    _ bias: Tensor?, into y: UnsafeMutablePointer<Float>, rows: Range<Int>, channels: Int
  ) -> Float {
    guard let bias else { return 0 }
    bias.withUnsafeBufferPointer { b in
      for r in rows { (y + r * channels).update(from: b.baseAddress!, count: channels) }
    }
    return 1
  }
}

/// Calls `body` with an uninitialised scratch buffer of `count` floats, freed afterwards.
@inline(__always)
func withScratch<R>(count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
  let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
  defer { buffer.deallocate() }
  return body(buffer)
}
