import FaceTensor

/// Parametric ReLU with one slope per channel (the last axis):
/// `y[..., c] = x` if `x > 0`, else `alpha[c] · x`.
///
/// Backward: `dx = dy` where `x > 0`, else `alpha[c] · dy`; `dAlpha[c] = Σ_{x ≤ 0} dy · x`.
///
/// `alpha` keeps the shape it was created with: `[C]`, or Keras's `[1, 1, C]` for a PReLU with
/// `shared_axes=[1, 2]` after a convolution (as in MTCNN); any shape whose extents are 1 except the
/// last is accepted.
public struct PReLU: InPlaceLayer {
  /// The slopes, `C` values in a shape like `[C]` or `[1, 1, C]`.
  public var alpha: Tensor

  /// A PReLU with the given slopes.
  /// - Precondition: every extent of `alpha` but the last is 1.
  public init(alpha: Tensor) {
    precondition(
      alpha.rank >= 1 && alpha.shape.dropLast().allSatisfy { $0 == 1 },
      "[PReLU] alpha must be [C] or [1, ..., 1, C], got \(alpha.shape)")
    self.alpha = alpha
  }

  /// Zero slopes of shape `alphaShape` (default `[channels]`), to be filled by a loader.
  public init(channels: Int, alphaShape: [Int]? = nil) {
    let shape = alphaShape ?? [channels]
    precondition(shape.last == channels, "[PReLU] alpha shape \(shape) must end in \(channels)")
    self.init(alpha: Tensor(zeros: shape))
  }

  /// The number of channels (slopes).
  public var channels: Int { alpha.count }

  /// `[..., C]` → `[..., C]`.
  public func callAsFunction(_ input: Tensor) -> Tensor {
    var output = input
    applyInPlace(&output)
    return output
  }

  /// Replaces `x` (`[..., C]`) with `max(x, 0) + alpha · min(x, 0)`, computed branch-free (a
  /// branch on the sign mispredicts on half of the elements).
  public func applyInPlace(_ x: inout Tensor) {
    let c = channels
    precondition(
      x.rank >= 1 && x.shape[x.rank - 1] == c,
      "[PReLU] input has shape \(x.shape), expected \(c) channels on the last axis")
    alpha.withUnsafeBufferPointer { a in
      x.withUnsafeMutableBufferPointer { y in
        let y = y
        ElementLoop.forEachChunk(y.count / c, work: y.count) { rows in
          for r in rows {
            let row = y.baseAddress! + r * c
            for j in 0..<c {
              let v = row[j]
              row[j] = max(v, 0) + a[j] * min(v, 0)
            }
          }
        }
      }
    }
  }

  /// The forward pass and its pullback (see the type's doc for the backward formula).
  public func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (value: Tensor, pullback: Pullback<Gradient>)
  {
    let output = self(input)
    let alpha = self.alpha
    let wantsAlpha = scope == .inputAndParameters
    return (
      output,
      { dy in
        precondition(
          dy.shape == input.shape, "[PReLU backward] gradient \(dy.shape), input \(input.shape)")
        let c = alpha.count
        // dx = dy where x > 0, alpha · dy elsewhere: a branch-free select per element.
        let dx = input.withUnsafeBufferPointer { x in
          dy.withUnsafeBufferPointer { g in
            alpha.withUnsafeBufferPointer { a in
              Tensor(shape: input.shape) { d in
                ElementLoop.forEachChunk(x.count / c, work: x.count) { rows in
                  for r in rows {
                    let o = r * c
                    for j in 0..<c { d[o + j] = g[o + j] * (x[o + j] > 0 ? 1 : a[j]) }
                  }
                }
              }
            }
          }
        }
        guard wantsAlpha else { return (dx, nil) }
        // dAlpha[c] = Σ_{x ≤ 0} dy · x = Σ dy · min(x, 0)
        let negativePart = input.mapped { min($0, 0) }
        let dAlpha = ChannelSums.of(dy, times: negativePart, channels: c).productSum
        return (dx, Gradient(alpha: dAlpha.reshaped(to: alpha.shape)))
      }
    )
  }

  /// `alpha`.
  public static var namedParameters: [NamedParameter<Self>] { [NamedParameter("alpha", \.alpha)] }
}

extension PReLU {
  /// The gradient of the slopes.
  public struct Gradient: ParameterGradient {
    /// `dL/dAlpha`, of `alpha`'s shape.
    public var alpha: Tensor
  }
}
