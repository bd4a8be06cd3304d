import FaceTensor

/// A fully connected layer: `y[r, j] = bias[j] + Σ_i x[r, i] · kernel[i, j]` for every row `r` of
/// the input (all axes but the last), with the Keras `[in, out]` kernel.
///
/// Backward: `dx = dy · kernelᵀ`; `dKernel = xᵀ · dy`; `dBias = Σ_r dy[r, :]`.
/// With `GradientScope.input` the pullback neither keeps the input nor computes `dKernel`/`dBias`.
public struct Dense: Layer {
  /// `[in, out]`.
  public var kernel: Tensor
  /// `[out]`, or nil for no bias.
  public var bias: Tensor?

  /// `kernel` and `bias` gradients.
  public typealias Gradient = KernelBiasGradient

  /// A dense layer with the given weights.
  /// - Precondition: `kernel` is `[in, out]`; `bias`, if given, is `[out]`.
  public init(kernel: Tensor, bias: Tensor?) {
    precondition(kernel.rank == 2, "[Dense] kernel must be [in, out], got shape \(kernel.shape)")
    if let bias {
      precondition(
        bias.shape == [kernel.shape[1]],
        "[Dense] bias has shape \(bias.shape), expected [\(kernel.shape[1])]")
    }
    self.kernel = kernel
    self.bias = bias
  }

  /// A dense layer with zero weights, to be filled by a loader.
  public init(inputCount: Int, outputCount: Int, useBias: Bool = true) {
    self.init(
      kernel: Tensor(zeros: [inputCount, outputCount]),
      bias: useBias ? Tensor(zeros: [outputCount]) : nil)
  }

  /// Input features (`in`).
  public var inputCount: Int { kernel.shape[0] }
  /// Output features (`out`).
  public var outputCount: Int { kernel.shape[1] }

  /// `[..., out]` for an input `[..., in]` (usually `[N, in]`).
  /// - Precondition: the input's last axis is `in`.
  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition(
      input.rank >= 1 && input.shape[input.rank - 1] == inputCount,
      "[Dense] input has shape \(input.shape), expected last axis \(inputCount)")
    let rows = input.count / inputCount
    let (k, n) = (inputCount, outputCount)
    var output = Tensor(shape: Array(input.shape.dropLast()) + [n]) { _ in }
    input.withUnsafeBufferPointer { x in
      kernel.withUnsafeBufferPointer { w in
        output.withUnsafeMutableBufferPointer { y in
          // Y[rows×out] = X[rows×in] · K[in×out]
          gemm(
            m: rows, n: n, k: k, a: x.baseAddress!, lda: k, b: w.baseAddress!, ldb: n,
            c: y.baseAddress!, ldc: n)
          guard let bias else { return }
          bias.withUnsafeBufferPointer { b in
            for r in 0..<rows {
              for j in 0..<n { y[r * n + j] += b[j] }
            }
          }
        }
      }
    }
    return output
  }

  /// The forward pass and its pullback (see the type's doc for the backward formula).
  public func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (value: Tensor, pullback: Pullback<Gradient>)
  {
    let output = self(input)
    let kernel = self.kernel
    let hasBias = bias != nil
    let savedInput: Tensor? = scope == .inputAndParameters ? input : nil
    let inputShape = input.shape
    return (
      output,
      { dy in
        let (k, n) = (kernel.shape[0], kernel.shape[1])
        let rows = dy.count / n
        var dx = Tensor(shape: inputShape) { _ in }
        dy.withUnsafeBufferPointer { g in
          kernel.withUnsafeBufferPointer { w in
            dx.withUnsafeMutableBufferPointer { d in
              // dX[rows×in] = dY[rows×out] · K[in×out]ᵀ
              gemm(
                .none, .transposed, m: rows, n: k, k: n, a: g.baseAddress!, lda: n,
                b: w.baseAddress!, ldb: n, c: d.baseAddress!, ldc: k)
            }
          }
        }
        guard let savedInput else { return (dx, nil) }
        var dKernel = Tensor(shape: [k, n]) { _ in }
        var dBias = Tensor(zeros: [n])
        savedInput.withUnsafeBufferPointer { x in
          dy.withUnsafeBufferPointer { g in
            dKernel.withUnsafeMutableBufferPointer { dk in
              // dK[in×out] = X[rows×in]ᵀ · dY[rows×out]
              gemm(
                .transposed, .none, m: k, n: n, k: rows, a: x.baseAddress!, lda: k,
                b: g.baseAddress!, ldb: n, c: dk.baseAddress!, ldc: n)
            }
            dBias.withUnsafeMutableBufferPointer { db in
              for r in 0..<rows {
                for j in 0..<n { db[j] += g[r * n + j] }
              }
            }
          }
        }
        return (dx, Gradient(kernel: dKernel, bias: hasBias ? dBias : nil))
      }
    )
  }

  /// `kernel`, and `bias` when the layer has one.
  public static var namedParameters: [NamedParameter<Self>] {
    [NamedParameter("kernel", \.kernel), NamedParameter("bias", \.bias)]
  }
}
