/// Reductions over all elements, accumulated in `Double` where rounding would matter.
extension Tensor {
  /// The sum of all elements (accumulated in `Double`).
  public func sum() -> Float {
    withUnsafeBufferPointer { b in
      var total = 0.0
      for v in b { total += Double(v) }
      return Float(total)
    }
  }

  /// The mean of all elements.
  ///
  /// - Precondition: not empty.
  public func mean() -> Float {
    precondition(count > 0, "[mean] empty tensor")
    return sum() / Float(count)
  }

  /// The largest element.
  ///
  /// - Precondition: not empty.
  public func max() -> Float {
    precondition(count > 0, "[max] empty tensor")
    return withUnsafeBufferPointer { $0.max()! }
  }

  /// The smallest element.
  ///
  /// - Precondition: not empty.
  public func min() -> Float {
    precondition(count > 0, "[min] empty tensor")
    return withUnsafeBufferPointer { $0.min()! }
  }

  /// The flat index of the largest element (the first one on ties).
  ///
  /// - Precondition: not empty.
  public func argmax() -> Int {
    precondition(count > 0, "[argmax] empty tensor")
    return withUnsafeBufferPointer { b in
      var best = 0
      for i in 1..<b.count where b[i] > b[best] { best = i }
      return best
    }
  }

  /// `Σ self[i] * other[i]`, accumulated in `Double`.
  ///
  /// - Precondition: equal element counts.
  public func dot(_ other: Tensor) -> Double {
    precondition(count == other.count, "[dot] \(count) and \(other.count) elements")
    return withUnsafeBufferPointer { a in
      other.withUnsafeBufferPointer { b in
        var total = 0.0
        for i in a.indices { total += Double(a[i]) * Double(b[i]) }
        return total
      }
    }
  }

  /// The Euclidean norm of all elements, accumulated in `Double`.
  public func l2Norm() -> Double { dot(self).squareRoot() }

  /// The largest absolute value (0 for an empty tensor).
  public func maxAbs() -> Float {
    withUnsafeBufferPointer { b in b.reduce(0) { Swift.max($0, abs($1)) } }
  }
}
