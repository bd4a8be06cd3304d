import FaceTensor

/// Elementwise sum of two or more tensors of equal shape (a residual connection).
///
/// Backward: every input receives `dy` unchanged.
public struct Add: MergeLayer {
  /// A sum of equal-shaped inputs.
  public init() {}

  /// - Precondition: at least one input; all shapes equal.
  public func callAsFunction(_ inputs: [Tensor]) -> Tensor {
    precondition(!inputs.isEmpty, "[Add] needs at least one input")
    guard inputs.count >= 2 else { return inputs[0] }
    precondition(
      inputs[1].shape == inputs[0].shape,
      "[Add] shapes differ: \(inputs[0].shape) and \(inputs[1].shape)")
    let count = inputs[0].count
    // The first two in one pass into new storage (the inputs are shared with their producers).
    var sum = inputs[0].withUnsafeBufferPointer { a in
      inputs[1].withUnsafeBufferPointer { b in
        Tensor(shape: inputs[0].shape) { y in
          ElementLoop.forEachChunk(count, work: count) { range in
            for i in range { y[i] = a[i] + b[i] }
          }
        }
      }
    }
    for other in inputs.dropFirst(2) {
      precondition(other.shape == sum.shape, "[Add] shapes differ: \(sum.shape) and \(other.shape)")
      other.withUnsafeBufferPointer { b in
        sum.withUnsafeMutableBufferPointer { a in
          let a = a
          ElementLoop.forEachChunk(count, work: count) { range in
            for i in range { a[i] += b[i] }
          }
        }
      }
    }
    return sum
  }

  /// The forward pass and the pullback to every input (see the type's doc).
  public func valueWithPullback(at inputs: [Tensor]) -> (value: Tensor, pullback: MergePullback) {
    let n = inputs.count
    return (self(inputs), { dy in [Tensor](repeating: dy, count: n) })
  }
}

/// dlib's `add_prev`: the sum of two tensors of possibly different shapes.
///
/// The output's extent on
/// every axis is the larger of the two; each input contributes where its own index exists and zero
/// elsewhere, i.e. the smaller input is zero-padded at the **end** of each axis (extra channels are
/// the highest channel indices, extra rows at the bottom, extra columns at the right).
///
/// Backward: each input receives `dy` cropped to its own shape (the leading part of every axis).
public struct PaddedAdd: MergeLayer {
  /// A padded sum of two inputs.
  public init() {}

  /// - Precondition: exactly two inputs of equal rank.
  public func callAsFunction(_ inputs: [Tensor]) -> Tensor {
    precondition(inputs.count == 2, "[PaddedAdd] needs two inputs, got \(inputs.count)")
    let (a, b) = (inputs[0], inputs[1])
    precondition(a.rank == b.rank, "[PaddedAdd] ranks differ: \(a.shape) and \(b.shape)")
    if a.shape == b.shape { return Add()(inputs) }
    let shape = zip(a.shape, b.shape).map { max($0, $1) }
    var output = Tensor(zeros: shape)
    PaddedAdd.accumulate(a, into: &output)
    PaddedAdd.accumulate(b, into: &output)
    return output
  }

  /// The forward pass and the pullback to every input (see the type's doc).
  public func valueWithPullback(at inputs: [Tensor]) -> (value: Tensor, pullback: MergePullback) {
    let shapes = inputs.map(\.shape)
    return (self(inputs), { dy in shapes.map { PaddedAdd.crop(dy, to: $0) } })
  }

  /// Adds `t` onto the leading corner of `output` (`output[i...] += t[i...]` where `t` has index `i`).
  private static func accumulate(_ t: Tensor, into output: inout Tensor) {
    let inner = t.shape.last ?? 1
    let outputShape = output.shape
    t.withUnsafeBufferPointer { src in
      output.withUnsafeMutableBufferPointer { dst in
        forEachRun(of: t.shape, in: outputShape) { srcOffset, dstOffset in
          for j in 0..<inner { dst[dstOffset + j] += src[srcOffset + j] }
        }
      }
    }
  }

  /// The leading corner of `t` of the given shape.
  static func crop(_ t: Tensor, to shape: [Int]) -> Tensor {
    if t.shape == shape { return t }
    let inner = shape.last ?? 1
    return t.withUnsafeBufferPointer { src in
      Tensor(shape: shape) { dst in
        forEachRun(of: shape, in: t.shape) { smallOffset, bigOffset in
          for j in 0..<inner { dst[smallOffset + j] = src[bigOffset + j] }
        }
      }
    }
  }

  /// Visits each last-axis run of a tensor of shape `small` with its offset there and in a tensor
  /// of shape `big` (every extent of `small` at most `big`'s) at the same multi-index.
  private static func forEachRun(
    of small: [Int], in big: [Int], _ visit: (_ smallOffset: Int, _ bigOffset: Int) -> Void
  ) {
    let rank = small.count
    guard rank > 0, small.allSatisfy({ $0 > 0 }) else { return }
    var index = [Int](repeating: 0, count: rank)
    let runs = small.dropLast().reduce(1, *)
    for run in 0..<runs {
      var bigOffset = 0
      for axis in 0..<rank { bigOffset = bigOffset * big[axis] + index[axis] }
      visit(run * small[rank - 1], bigOffset)
      var axis = rank - 2
      while axis >= 0 {
        index[axis] += 1
        if index[axis] < small[axis] { break }
        index[axis] = 0
        axis -= 1
      }
    }
  }
}

/// Channel-wise product (squeeze-and-excitation): `y[n, h, w, c] = x[n, h, w, c] · s[n, c]` with
/// inputs `[x, s]`, `x` `[N, H, W, C]` and `s` `[N, C]` or `[N, 1, 1, C]` (Keras's `multiply` of a
/// map with its reshaped excitation).
///
/// Backward: `dx = dy · s`; `ds[n, c] = Σ_{h, w} dy · x` (in `s`'s shape).
public struct Multiply: MergeLayer {
  /// A channel-wise product of `[x, s]`.
  public init() {}

  /// - Precondition: two inputs; `s` has `N · C` elements and `x`'s batch and channel counts.
  public func callAsFunction(_ inputs: [Tensor]) -> Tensor {
    let (x, s) = Multiply.check(inputs)
    let (n, pixels, c) = (x.shape[0], x.shape[1] * x.shape[2], x.shape[3])
    return x.withUnsafeBufferPointer { xs in
      s.withUnsafeBufferPointer { ss in
        Tensor(shape: x.shape) { y in
          ElementLoop.forEachChunk(n * pixels, work: y.count) { rows in
            for r in rows {
              let scale = ss.baseAddress! + (r / pixels) * c
              for j in 0..<c { y[r * c + j] = xs[r * c + j] * scale[j] }
            }
          }
        }
      }
    }
  }

  /// The forward pass and the pullback to every input (see the type's doc).
  public func valueWithPullback(at inputs: [Tensor]) -> (value: Tensor, pullback: MergePullback) {
    let (x, s) = Multiply.check(inputs)
    return (
      self(inputs),
      { dy in
        precondition(
          dy.shape == x.shape, "[Multiply backward] gradient \(dy.shape), input \(x.shape)")
        let dx = Multiply()([dy, s])
        let (n, pixels, c) = (x.shape[0], x.shape[1] * x.shape[2], x.shape[3])
        var sums = [Double](repeating: 0, count: n * c)
        dy.withUnsafeBufferPointer { g in
          x.withUnsafeBufferPointer { xs in
            for r in 0..<(n * pixels) {
              let o = (r / pixels) * c
              for j in 0..<c { sums[o + j] += Double(g[r * c + j]) * Double(xs[r * c + j]) }
            }
          }
        }
        return [dx, Tensor(shape: s.shape, scalars: sums.map(Float.init))]
      }
    )
  }

  private static func check(_ inputs: [Tensor]) -> (Tensor, Tensor) {
    precondition(inputs.count == 2, "[Multiply] needs [x, s], got \(inputs.count) inputs")
    let (x, s) = (inputs[0], inputs[1])
    precondition(x.rank == 4, "[Multiply] x must be NHWC, got \(x.shape)")
    let expected = [x.shape[0], x.shape[3]]
    precondition(
      s.shape == expected || s.shape == [x.shape[0], 1, 1, x.shape[3]],
      "[Multiply] s has shape \(s.shape), expected \(expected) or [\(x.shape[0]), 1, 1, \(x.shape[3])]"
    )
    return (x, s)
  }
}

/// Concatenation along the last (channel) axis: inputs `[..., C_i]` → `[..., Σ C_i]`.
///
/// Backward: `dy` split back into the inputs' channel ranges.
public struct Concat: MergeLayer {
  /// A concatenation along the last axis.
  public init() {}

  /// - Precondition: at least one input; all axes but the last agree.
  public func callAsFunction(_ inputs: [Tensor]) -> Tensor {
    precondition(!inputs.isEmpty, "[Concat] needs at least one input")
    let lead = Array(inputs[0].shape.dropLast())
    for t in inputs {
      precondition(
        t.rank == lead.count + 1 && Array(t.shape.dropLast()) == lead,
        "[Concat] shapes \(inputs.map(\.shape)) differ outside the last axis")
    }
    let widths = inputs.map { $0.shape[$0.rank - 1] }
    let total = widths.reduce(0, +)
    let rows = lead.reduce(1, *)
    var output = Tensor(shape: lead + [total]) { _ in }
    output.withUnsafeMutableBufferPointer { y in
      var offset = 0
      for (t, width) in zip(inputs, widths) {
        t.withUnsafeBufferPointer { x in
          for r in 0..<rows {
            (y.baseAddress! + r * total + offset).update(
              from: x.baseAddress! + r * width, count: width)
          }
        }
        offset += width
      }
    }
    return output
  }

  /// The forward pass and the pullback to every input (see the type's doc).
  public func valueWithPullback(at inputs: [Tensor]) -> (value: Tensor, pullback: MergePullback) {
    let shapes = inputs.map(\.shape)
    return (
      self(inputs),
      { dy in
        let total = dy.shape[dy.rank - 1]
        let rows = dy.count / max(total, 1)
        var offset = 0
        return shapes.map { shape in
          let width = shape[shape.count - 1]
          defer { offset += width }
          return dy.withUnsafeBufferPointer { g in
            Tensor(shape: shape) { d in
              for r in 0..<rows {
                (d.baseAddress! + r * width).update(
                  from: g.baseAddress! + r * total + offset, count: width)
              }
            }
          }
        }
      }
    )
  }
}
