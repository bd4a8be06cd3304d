import FaceTensor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Rectified linear unit: `y = max(x, 0)`.
///
/// Backward: `dx = dy` where `y > 0`, else `0` (the subgradient at `x = 0` is 0). The pullback
/// keeps the output (the mask is `y > 0`).
public struct ReLU: InPlaceLayer {
  /// A ReLU (no parameters).
  public init() {}

  /// Any shape → the same shape.
  public func callAsFunction(_ input: Tensor) -> Tensor {
    input.withUnsafeBufferPointer { x in
      Tensor(shape: input.shape) { y in
        ElementLoop.forEachChunk(x.count, work: x.count) { range in
          for i in range { y[i] = max(x[i], 0) }
        }
      }
    }
  }

  /// Overwrites `x` with the forward pass (inference; the shape is unchanged).
  public func applyInPlace(_ x: inout Tensor) {
    x.withUnsafeMutableBufferPointer { y in
      let y = y
      ElementLoop.forEachChunk(y.count, work: y.count) { range in
        for i in range { y[i] = max(y[i], 0) }
      }
    }
  }

  /// The forward pass and its pullback (see the type's doc for the backward formula).
  public func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (value: Tensor, pullback: Pullback<NoParameters>)
  {
    let output = self(input)
    return (output, { dy in (ReLU.mask(dy, where: output), nil) })
  }

  /// The backward pass given the forward output: `dy` where `output > 0`, else 0.
  /// - Precondition: both have the same shape.
  public static func mask(_ dy: Tensor, where output: Tensor) -> Tensor {
    precondition(
      dy.shape == output.shape, "[ReLU backward] gradient \(dy.shape), output \(output.shape)")
    return output.withUnsafeBufferPointer { y in
      dy.withUnsafeBufferPointer { g in
        Tensor(shape: output.shape) { d in
          ElementLoop.forEachChunk(d.count, work: d.count) { range in
            // Branch-free: the mask is all ones where y > 0 (a branch mispredicts on half the
            // elements of a ReLU output).
            for i in range {
              let keep: UInt32 = y[i] > 0 ? .max : 0
              d[i] = Float(bitPattern: g[i].bitPattern & keep)
            }
          }
        }
      }
    }
  }
}

/// Logistic sigmoid: `y = 1 / (1 + exp(-x))`.
///
/// Backward: `dx = dy · y · (1 - y)` (keeps the output).
public struct Sigmoid: Layer {
  /// A sigmoid (no parameters).
  public init() {}

  /// Any shape → the same shape, values in (0, 1).
  public func callAsFunction(_ input: Tensor) -> Tensor {
    input.mapped { 1 / (1 + expf(-$0)) }
  }

  /// The forward pass and its pullback (see the type's doc for the backward formula).
  public func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (value: Tensor, pullback: Pullback<NoParameters>)
  {
    let output = self(input)
    return (
      output,
      { dy in (output.zipped(with: dy, op: "Sigmoid backward") { y, g in g * y * (1 - y) }, nil) }
    )
  }
}

/// Softmax over the last axis: `y_j = exp(x_j - max x) / Σ_k exp(x_k - max x)` for every row.
///
/// Backward: `dx_j = y_j · (dy_j - Σ_k dy_k · y_k)` per row (keeps the output).
public struct Softmax: Layer {
  /// A softmax over the last axis (no parameters).
  public init() {}

  /// `[..., K]` → `[..., K]`, each row summing to 1.
  public func callAsFunction(_ input: Tensor) -> Tensor { input.softmax() }

  /// The forward pass and its pullback (see the type's doc for the backward formula).
  public func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (value: Tensor, pullback: Pullback<NoParameters>)
  {
    let output = input.softmax()
    return (
      output,
      { dy in
        precondition(
          dy.shape == output.shape,
          "[Softmax backward] gradient \(dy.shape), output \(output.shape)")
        let k = output.shape[output.rank - 1]
        let dx = output.withUnsafeBufferPointer { y in
          dy.withUnsafeBufferPointer { g in
            Tensor(shape: output.shape) { d in
              for row in 0..<(y.count / k) {
                let o = row * k
                var dot = 0.0
                for j in 0..<k { dot += Double(g[o + j]) * Double(y[o + j]) }
                let projection = Float(dot)
                for j in 0..<k { d[o + j] = y[o + j] * (g[o + j] - projection) }
              }
            }
          }
        }
        return (dx, nil)
      }
    )
  }
}
