import FaceTensor

/// Padding of a sliding window on each side of the input, in pixels.
public struct NaivePads: Sendable, Equatable {
  /// Rows above.
  public var top: Int
  /// Rows below.
  public var bottom: Int
  /// Columns on the left.
  public var left: Int
  /// Columns on the right.
  public var right: Int

  /// Explicit amounts per side.
  public init(top: Int, bottom: Int, left: Int, right: Int) {
    (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
  }

  /// No padding.
  public static let zero = NaivePads(top: 0, bottom: 0, left: 0, right: 0)

  /// TensorFlow's 'same' rule written out independently of the library: output
  /// `ceil(in / stride)`, total padding `max((out - 1) * stride + effectiveKernel - in, 0)`, the odd
  /// pixel after (bottom/right).
  public static func tensorFlowSame(
    height: Int, width: Int, effectiveKernel: (Int, Int), strides: (Int, Int)
  ) -> NaivePads {
    func axis(_ input: Int, _ k: Int, _ s: Int) -> (Int, Int) {
      let out = Int((Double(input) / Double(s)).rounded(.up))
      let total = max((out - 1) * s + k - input, 0)
      return (total / 2, total - total / 2)
    }
    let (t, b) = axis(height, effectiveKernel.0, strides.0)
    let (l, r) = axis(width, effectiveKernel.1, strides.1)
    return NaivePads(top: t, bottom: b, left: l, right: r)
  }
}

/// Reference kernels written as plain loops in `Double`, for tests: the obvious formula, no
/// tiling, no BLAS (like llm.c's `matmul_forward_naive`).
public enum NaiveKernels {
  /// `y[n, oh, ow, oc] = b[oc] + Σ x[n, oh*sy - top + kh*dy, ow*sx - left + kw*dx, c] · k[kh, kw, c, oc]`,
  /// zero outside the input; `OH = (H + top + bottom - dy*(KH-1) - 1) / sy + 1`.
  /// - Parameters: input `[N, H, W, C]`, kernel `[KH, KW, C, OC]`, bias `[OC]` or nil.
  public static func conv2D(
    input: Tensor, kernel: Tensor, bias: Tensor?, strides: (Int, Int), dilations: (Int, Int),
    pads: NaivePads
  ) -> ReferenceTensor {
    let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (kh, kw, oc) = (kernel.shape[0], kernel.shape[1], kernel.shape[3])
    let oh = (h + pads.top + pads.bottom - dilations.0 * (kh - 1) - 1) / strides.0 + 1
    let ow = (w + pads.left + pads.right - dilations.1 * (kw - 1) - 1) / strides.1 + 1
    var y = ReferenceTensor(zeros: [n, oh, ow, oc])
    let x = input.scalars.map(Double.init)
    let k = kernel.scalars.map(Double.init)
    for b in 0..<n {
      for i in 0..<oh {
        for j in 0..<ow {
          for o in 0..<oc {
            var total = bias.map { Double($0.scalars[o]) } ?? 0
            for p in 0..<kh {
              let row = i * strides.0 - pads.top + p * dilations.0
              guard row >= 0 && row < h else { continue }
              for q in 0..<kw {
                let col = j * strides.1 - pads.left + q * dilations.1
                guard col >= 0 && col < w else { continue }
                for ch in 0..<c {
                  total +=
                    x[((b * h + row) * w + col) * c + ch] * k[((p * kw + q) * c + ch) * oc + o]
                }
              }
            }
            y.values[y.offset(b, i, j, o)] = total
          }
        }
      }
    }
    return y
  }

  /// `dx[n, ih, iw, c] = Σ dy[n, oh, ow, oc] · k[kh, kw, c, oc]` over every `(oh, ow, kh, kw)` whose
  /// tap lands on `(ih, iw)`: the transpose of `conv2D` without bias.
  public static func conv2DInputGradient(
    outputGradient dy: Tensor, kernel: Tensor, inputShape: [Int], strides: (Int, Int),
    dilations: (Int, Int), pads: NaivePads
  ) -> ReferenceTensor {
    let (n, h, w, c) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
    let (kh, kw, oc) = (kernel.shape[0], kernel.shape[1], kernel.shape[3])
    let (oh, ow) = (dy.shape[1], dy.shape[2])
    var dx = ReferenceTensor(zeros: inputShape)
    let g = dy.scalars.map(Double.init)
    let k = kernel.scalars.map(Double.init)
    for b in 0..<n {
      for i in 0..<oh {
        for j in 0..<ow {
          for p in 0..<kh {
            let row = i * strides.0 - pads.top + p * dilations.0
            guard row >= 0 && row < h else { continue }
            for q in 0..<kw {
              let col = j * strides.1 - pads.left + q * dilations.1
              guard col >= 0 && col < w else { continue }
              for ch in 0..<c {
                var total = 0.0
                for o in 0..<oc {
                  total += g[((b * oh + i) * ow + j) * oc + o] * k[((p * kw + q) * c + ch) * oc + o]
                }
                dx.values[((b * h + row) * w + col) * c + ch] += total
              }
            }
          }
        }
      }
    }
    return dx
  }

  /// `dk[kh, kw, c, oc] = Σ_{n, oh, ow} x[n, tap row, tap col, c] · dy[n, oh, ow, oc]` and
  /// `db[oc] = Σ dy[..., oc]`.
  public static func conv2DParameterGradients(
    outputGradient dy: Tensor, input: Tensor, kernelShape: [Int], strides: (Int, Int),
    dilations: (Int, Int), pads: NaivePads
  ) -> (kernel: ReferenceTensor, bias: ReferenceTensor) {
    let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (kh, kw, oc) = (kernelShape[0], kernelShape[1], kernelShape[3])
    let (oh, ow) = (dy.shape[1], dy.shape[2])
    var dk = ReferenceTensor(zeros: kernelShape)
    var db = ReferenceTensor(zeros: [oc])
    let g = dy.scalars.map(Double.init)
    let x = input.scalars.map(Double.init)
    for b in 0..<n {
      for i in 0..<oh {
        for j in 0..<ow {
          let dyRow = ((b * oh + i) * ow + j) * oc
          for o in 0..<oc { db.values[o] += g[dyRow + o] }
          for p in 0..<kh {
            let row = i * strides.0 - pads.top + p * dilations.0
            guard row >= 0 && row < h else { continue }
            for q in 0..<kw {
              let col = j * strides.1 - pads.left + q * dilations.1
              guard col >= 0 && col < w else { continue }
              for ch in 0..<c {
                let xv = x[((b * h + row) * w + col) * c + ch]
                for o in 0..<oc { dk.values[((p * kw + q) * c + ch) * oc + o] += xv * g[dyRow + o] }
              }
            }
          }
        }
      }
    }
    return (dk, db)
  }

  /// Which reduction a naive pooling window applies.
  public enum PoolReduction: Sendable { case max, average }

  /// Pooling over `window` with `strides`, given padding and output size; each window is clipped
  /// to the input (padding never wins a max and is not counted in an average).
  public static func pool(
    _ reduction: PoolReduction, input: Tensor, window: (Int, Int), strides: (Int, Int),
    padTop: Int, padLeft: Int, outputHeight: Int, outputWidth: Int
  ) -> ReferenceTensor {
    let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    var y = ReferenceTensor(zeros: [n, outputHeight, outputWidth, c])
    let x = input.scalars.map(Double.init)
    for b in 0..<n {
      for i in 0..<outputHeight {
        for j in 0..<outputWidth {
          for ch in 0..<c {
            var best = -Double.infinity
            var total = 0.0
            var count = 0
            for p in 0..<window.0 {
              let row = i * strides.0 - padTop + p
              guard row >= 0 && row < h else { continue }
              for q in 0..<window.1 {
                let col = j * strides.1 - padLeft + q
                guard col >= 0 && col < w else { continue }
                let v = x[((b * h + row) * w + col) * c + ch]
                best = max(best, v)
                total += v
                count += 1
              }
            }
            y.values[y.offset(b, i, j, ch)] = reduction == .max ? best : total / Double(count)
          }
        }
      }
    }
    return y
  }

  /// `C[m×n] = A[m×k] · B[k×n]` for row-major `A`, `B`.
  public static func matmul(_ a: Tensor, _ b: Tensor) -> ReferenceTensor {
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
    var c = ReferenceTensor(zeros: [m, n])
    for i in 0..<m {
      for j in 0..<n {
        var total = 0.0
        for p in 0..<k { total += Double(a.scalars[i * k + p]) * Double(b.scalars[p * n + j]) }
        c.values[i * n + j] = total
      }
    }
    return c
  }
}
