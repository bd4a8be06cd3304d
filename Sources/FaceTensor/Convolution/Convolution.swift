/// 2-D convolution (cross-correlation) of NHWC batches with HWIO kernels, and its two adjoints,
/// built as im2col + `sgemm`.
///
/// Forward: `y[n, oh, ow, oc] = b[oc] + Σ_{kh, kw, c} x[n, oh*sy - pt + kh*dy, ow*sx - pl + kw*dx, c]
/// · k[kh, kw, c, oc]`, i.e. `Y[M×OC] = cols(x)[M×K] · K[K×OC] + b` with `M = N·OH·OW`,
/// `K = KH·KW·C`.
/// Backward: `dCols = dY · Kᵀ`, `dx = col2im(dCols)`; `dK = cols(x)ᵀ · dY`; `db = Σ_rows dY`.
///
/// Each pass runs one `ConvolutionPlan` loop over tiles of im2col rows (the plan decides the
/// tiling and the threading once per shape); the math of a tile is all that is written here.
public enum Convolution {
  /// The forward pass: `[N, OH, OW, OC]`.
  ///
  /// - Parameters:
  ///   - input: `[N, H, W, C]`.
  ///   - kernel: `[KH, KW, C, OC]`.
  ///   - bias: `[OC]`, or nil for none.
  ///   - geometry: built from the same shapes.
  ///   - rectified: whether to apply a ReLU, `max(0, y)`, to each tile of the output while it is
  ///     still in cache.
  /// - Precondition: shapes match `geometry`.
  public static func forward(
    _ input: Tensor, kernel: Tensor, bias: Tensor?, geometry: Conv2DGeometry,
    threads: Int = ComputeThreads.count, rectified: Bool = false
  ) -> Tensor {
    forward(
      input, kernel: kernel, bias: bias,
      plan: ConvolutionPlan(geometry: geometry, threads: threads),
      rectified: rectified)
  }

  /// The forward pass run by `plan` (see `forward(_:kernel:bias:geometry:threads:rectified:)`).
  public static func forward(
    _ input: Tensor, kernel: Tensor, bias: Tensor?, plan: ConvolutionPlan, rectified: Bool = false
  ) -> Tensor {
    let g = plan.geometry
    precondition(
      input.shape == g.inputShape, "[conv2D] input \(input.shape), geometry \(g.inputShape)")
    precondition(
      kernel.shape == g.kernelShape, "[conv2D] kernel \(kernel.shape), geometry \(g.kernelShape)")
    if let bias {
      precondition(
        bias.shape == [g.outputChannels],
        "[conv2D] bias \(bias.shape), expected [\(g.outputChannels)]")
    }
    let (k, oc) = (g.patchLength, g.outputChannels)
    var output = Tensor(shape: g.outputShape) { _ in }
    input.withUnsafeBufferPointer { x in
      kernel.withUnsafeBufferPointer { w in
        output.withUnsafeMutableBufferPointer { y in
          let (x, w, y) = (x.baseAddress!, w.baseAddress!, y.baseAddress!)
          guard plan.strategy != .taps else {
            TapConvolution.forward(
              x, kernel: w, bias: bias?.scalars, into: y, geometry: g, threads: plan.threads,
              rectified: rectified)
            return
          }
          guard plan.strategy != .pointwise else {
            // Y[M×OC] = X[M×C] · K[C×OC] (+ b)
            let beta = fillBias(bias, into: y, rows: 0..<g.patchCount, channels: oc)
            gemm(
              m: g.patchCount, n: oc, k: k, a: x, lda: k, b: w, ldb: oc, beta: beta, c: y,
              ldc: oc, threads: plan.threads)
            if rectified { rectify(y, count: g.patchCount * oc) }
            return
          }
          let (input, kernel, output) = (UnsafeSendable(x), UnsafeSendable(w), UnsafeSendable(y))
          plan.forEachTile(scratchPerRow: k, writes: .ownRows) { tile, threads, cols in
            let rows = plan.rows(ofTile: tile)
            pack(input.pointer, geometry: g, rows: rows, into: cols, threads: threads)
            let y = output.pointer + rows.lowerBound * oc
            let beta = fillBias(bias, into: output.pointer, rows: rows, channels: oc)
            // Y[rows×OC] = cols[rows×K] · K[K×OC] (+ b)
            gemm(
              m: rows.count, n: oc, k: k, a: cols, lda: k, b: kernel.pointer, ldb: oc, beta: beta,
              c: y, ldc: oc, threads: threads)
            if rectified { rectify(y, count: rows.count * oc) }
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
    _ outputGradient: Tensor, kernel: Tensor, geometry: Conv2DGeometry,
    threads: Int = ComputeThreads.count
  ) -> Tensor {
    inputGradient(
      outputGradient, kernel: kernel, plan: ConvolutionPlan(geometry: geometry, threads: threads))
  }

  /// The input gradient run by `plan` (see `inputGradient(_:kernel:geometry:threads:)`).
  public static func inputGradient(_ outputGradient: Tensor, kernel: Tensor, plan: ConvolutionPlan)
    -> Tensor
  {
    let g = plan.geometry
    precondition(
      outputGradient.shape == g.outputShape,
      "[conv2D backward] output gradient \(outputGradient.shape), geometry \(g.outputShape)")
    precondition(
      kernel.shape == g.kernelShape,
      "[conv2D backward] kernel \(kernel.shape), geometry \(g.kernelShape)")
    let (k, oc) = (g.patchLength, g.outputChannels)
    // The pointwise and tap GEMMs write every element (beta = 0); col2im adds onto zeros.
    let pointwise = plan.strategy == .pointwise
    let writesAll = pointwise || plan.strategy == .taps
    var dx = writesAll ? Tensor(shape: g.inputShape) { _ in } : Tensor(zeros: g.inputShape)
    outputGradient.withUnsafeBufferPointer { dy in
      kernel.withUnsafeBufferPointer { w in
        dx.withUnsafeMutableBufferPointer { dx in
          let (dy, w, dx) = (dy.baseAddress!, w.baseAddress!, dx.baseAddress!)
          guard plan.strategy != .taps else {
            TapConvolution.inputGradient(
              dy, kernel: w, into: dx, geometry: g, threads: plan.threads)
            return
          }
          guard !pointwise else {
            // dX[M×C] = dY[M×OC] · K[C×OC]ᵀ
            gemm(
              .none, .transposed, m: g.patchCount, n: k, k: oc, a: dy, lda: oc, b: w, ldb: oc,
              c: dx, ldc: k, threads: plan.threads)
            return
          }
          let (outputGradient, kernel, inputGradient) = (
            UnsafeSendable(dy), UnsafeSendable(w), UnsafeSendable(dx)
          )
          plan.forEachTile(scratchPerRow: k, writes: .neighbouringInputs) { tile, threads, dCols in
            let rows = plan.rows(ofTile: tile)
            // dCols[rows×K] = dY[rows×OC] · K[K×OC]ᵀ
            gemm(
              .none, .transposed, m: rows.count, n: k, k: oc,
              a: outputGradient.pointer + rows.lowerBound * oc, lda: oc, b: kernel.pointer,
              ldb: oc, c: dCols, ldc: k, threads: threads)
            Im2col.accumulate(dCols, geometry: g, rows: rows, into: inputGradient.pointer)
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
    _ outputGradient: Tensor, input: Tensor, geometry: Conv2DGeometry,
    threads: Int = ComputeThreads.count
  ) -> (kernel: Tensor, bias: Tensor) {
    parameterGradients(
      outputGradient, input: input, plan: ConvolutionPlan(geometry: geometry, threads: threads))
  }

  /// The parameter gradients run by `plan` (see
  /// `parameterGradients(_:input:geometry:threads:)`).
  public static func parameterGradients(
    _ outputGradient: Tensor, input: Tensor, plan: ConvolutionPlan
  ) -> (kernel: Tensor, bias: Tensor) {
    let g = plan.geometry
    precondition(
      outputGradient.shape == g.outputShape,
      "[conv2D backward] output gradient \(outputGradient.shape), geometry \(g.outputShape)")
    precondition(
      input.shape == g.inputShape,
      "[conv2D backward] input \(input.shape), geometry \(g.inputShape)")
    let (k, oc) = (g.patchLength, g.outputChannels)
    var dKernel = Tensor(zeros: g.kernelShape)
    outputGradient.withUnsafeBufferPointer { dy in
      input.withUnsafeBufferPointer { x in
        dKernel.withUnsafeMutableBufferPointer { dk in
          let (dy, x, dk) = (dy.baseAddress!, x.baseAddress!, dk.baseAddress!)
          guard plan.strategy != .taps else {
            TapConvolution.kernelGradient(
              dy, input: x, into: dk, geometry: g, threads: plan.threads)
            return
          }
          guard plan.strategy != .pointwise else {
            // dK[C×OC] = X[M×C]ᵀ · dY[M×OC]
            gemm(
              .transposed, .none, m: k, n: oc, k: g.patchCount, a: x, lda: k, b: dy, ldb: oc,
              c: dk, ldc: oc, threads: plan.threads)
            return
          }
          plan.forEachTile(scratchPerRow: k, writes: .sharedResult) { tile, threads, cols in
            let rows = plan.rows(ofTile: tile)
            pack(x, geometry: g, rows: rows, into: cols, threads: threads)
            // dK[K×OC] += cols[rows×K]ᵀ · dY[rows×OC]
            gemm(
              .transposed, .none, m: k, n: oc, k: rows.count, a: cols, lda: k,
              b: dy + rows.lowerBound * oc, ldb: oc, beta: 1, c: dk, ldc: oc, threads: threads)
          }
        }
      }
    }
    var dBias = Tensor(zeros: [oc])
    outputGradient.withUnsafeBufferPointer { dy in
      dBias.withUnsafeMutableBufferPointer { db in
        for r in 0..<g.patchCount {
          let row = dy.baseAddress! + r * oc
          for c in 0..<oc { db[c] += row[c] }
        }
      }
    }
    return (dKernel, dBias)
  }

  /// Packs rows `rows` of the im2col matrix of `x` into `cols`, split over `threads` threads.
  private static func pack(
    _ x: UnsafePointer<Float>, geometry g: Conv2DGeometry, rows: Range<Int>,
    into cols: UnsafeMutablePointer<Float>, threads: Int
  ) {
    guard threads > 1 else {
      Im2col.pack(x, geometry: g, rows: rows, into: cols)
      return
    }
    let (input, target) = (UnsafeSendable(x), UnsafeSendable(cols))
    Parallel.forEachChunk(of: rows.count, chunks: threads) { part in
      Im2col.pack(
        input.pointer, geometry: g,
        rows: (rows.lowerBound + part.lowerBound)..<(rows.lowerBound + part.upperBound),
        into: target.pointer + part.lowerBound * g.patchLength)
    }
  }

  /// `y[i] = max(y[i], 0)` for the first `count` values.
  @inline(__always)
  static func rectify(_ y: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { y[i] = max(y[i], 0) }
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
