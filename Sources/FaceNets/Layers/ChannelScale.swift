import FaceTensor

/// The per-channel affine map `y[..., c] = x[..., c] · scale[c] + shift[c]` on a tensor whose last
/// axis is the channel axis: the forward pass of `BatchNorm` (inference) and `Affine`, and (with no
/// shift) their input backward pass.
struct ChannelScale {
  /// `[C]` factors.
  let scale: [Float]
  /// `[C]` offsets, or nil for none.
  let shift: [Float]?

  /// `x · scale + shift`, a new tensor.
  /// - Precondition: the last axis of `input` has `scale.count` channels.
  func apply(to input: Tensor, op: String) -> Tensor {
    checkChannels(input, op: op)
    return input.withUnsafeBufferPointer { x in
      Tensor(shape: input.shape) { y in run(x.baseAddress!, y.baseAddress!, count: input.count) }
    }
  }

  /// `x = x · scale + shift`, in place.
  func applyInPlace(_ tensor: inout Tensor, op: String) {
    checkChannels(tensor, op: op)
    let count = tensor.count
    tensor.withUnsafeMutableBufferPointer { y in run(y.baseAddress!, y.baseAddress!, count: count) }
  }

  private func checkChannels(_ tensor: Tensor, op: String) {
    precondition(
      tensor.rank >= 1 && tensor.shape[tensor.rank - 1] == scale.count,
      "[\(op)] input has shape \(tensor.shape), expected \(scale.count) channels on the last axis")
  }

  private func run(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    let channels = scale.count
    let rowCount = count / channels
    scale.withUnsafeBufferPointer { s in
      if let shift {
        shift.withUnsafeBufferPointer { b in
          ElementLoop.forEachChunk(rowCount, work: count) { rows in
            for r in rows {
              let offset = r * channels
              for c in 0..<channels { y[offset + c] = x[offset + c] * s[c] + b[c] }
            }
          }
        }
      } else {
        ElementLoop.forEachChunk(rowCount, work: count) { rows in
          for r in rows {
            let offset = r * channels
            for c in 0..<channels { y[offset + c] = x[offset + c] * s[c] }
          }
        }
      }
    }
  }
}

/// Per-channel sums over all rows: `Σ_r a[r, c]` and `Σ_r a[r, c] · b[r, c]`, accumulated in
/// `Double` (the parameter gradients of per-channel layers).
enum ChannelSums {
  /// `[C]` sums of `a` and of `a ⊙ b` (`a`, `b` of the same shape `[..., C]`).
  static func of(_ a: Tensor, times b: Tensor, channels: Int) -> (sum: Tensor, productSum: Tensor) {
    var sum = [Double](repeating: 0, count: channels)
    var productSum = [Double](repeating: 0, count: channels)
    let rows = a.count / channels
    a.withUnsafeBufferPointer { a in
      let a = a.baseAddress!
      sum.withUnsafeMutableBufferPointer { total in
        for r in 0..<rows {
          let row = a + r * channels
          for c in 0..<channels { total[c] += Double(row[c]) }
        }
      }
      b.withUnsafeBufferPointer { b in
        let b = b.baseAddress!
        productSum.withUnsafeMutableBufferPointer { total in
          for r in 0..<rows {
            let (rowA, rowB) = (a + r * channels, b + r * channels)
            for c in 0..<channels { total[c] += Double(rowA[c]) * Double(rowB[c]) }
          }
        }
      }
    }
    return (
      Tensor(shape: [channels], scalars: sum.map(Float.init)),
      Tensor(shape: [channels], scalars: productSum.map(Float.init))
    )
  }
}
