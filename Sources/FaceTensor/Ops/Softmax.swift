#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Numerically stable softmax and log-softmax over the last axis.
extension Tensor {
  /// `softmax(x)_j = exp(x_j - max x) / Σ_k exp(x_k - max x)` over the last axis, for every row.
  /// - Precondition: rank >= 1 and the last axis is not empty.
  public func softmax() -> Tensor {
    rowwise(op: "softmax") { src, dst, n in
      var top = src[0]
      for j in 1..<n where src[j] > top { top = src[j] }
      var total = 0.0
      for j in 0..<n {
        let e = expf(src[j] - top)
        dst[j] = e
        total += Double(e)
      }
      let scale = Float(1 / total)
      for j in 0..<n { dst[j] *= scale }
    }
  }

  /// `log softmax(x)_j = x_j - max x - log Σ_k exp(x_k - max x)` over the last axis, for every row.
  /// - Precondition: rank >= 1 and the last axis is not empty.
  public func logSoftmax() -> Tensor {
    rowwise(op: "logSoftmax") { src, dst, n in
      var top = src[0]
      for j in 1..<n where src[j] > top { top = src[j] }
      var total = 0.0
      for j in 0..<n { total += Double(expf(src[j] - top)) }
      let logTotal = Float(log(total))
      for j in 0..<n { dst[j] = src[j] - top - logTotal }
    }
  }

  /// Applies `body(row, resultRow, length)` to each row of the last axis.
  private func rowwise(
    op: String,
    _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
  ) -> Tensor {
    precondition(
      rank >= 1 && shape[rank - 1] > 0, "[\(op)] needs a non-empty last axis, got \(shape)")
    let n = shape[rank - 1]
    return withUnsafeBufferPointer { src in
      Tensor(shape: shape) { dst in
        for row in 0..<(count / n) {
          body(src.baseAddress! + row * n, dst.baseAddress! + row * n, n)
        }
      }
    }
  }
}

extension Tensor {
  /// The `count` most probable classes of every row of logits `[N, K]`: class indices with their
  /// softmax probabilities (`softmax()`), most probable first, equal logits in class order.
  /// - Precondition: rank 2, `K >= 1`, `count >= 1`.
  public func topSoftmax(count: Int) -> [[(index: Int, probability: Float)]] {
    precondition(
      rank == 2 && shape[1] >= 1, "[topSoftmax] logits must be [N, K], got \(shape)")
    precondition(count >= 1, "[topSoftmax] count must be at least 1, got \(count)")
    let classes = shape[1]
    let probabilities = softmax()
    return withUnsafeBufferPointer { logits in
      probabilities.withUnsafeBufferPointer { p in
        (0..<shape[0]).map { n in
          let row = n * classes
          let order = (0..<classes).sorted {
            (logits[row + $0], $1) > (logits[row + $1], $0)
          }
          return order.prefix(count).map { ($0, p[row + $0]) }
        }
      }
    }
  }
}
