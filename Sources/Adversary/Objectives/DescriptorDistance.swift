/// Distances between descriptors and their gradients, accumulated in `Double`.
extension DistanceMetric {
  /// The distance from `a` to `b` (`D` values each); when `gradient` is not nil, writes
  /// `∂distance/∂a` into it.
  ///
  /// - Euclidean: `d = ‖a − b‖₂`, `∂d/∂a = (a − b) / d`, taken as 0 at `d = 0` where it is
  ///   undefined.
  /// - Cosine: `d = 1 − a·b / (‖a‖ ‖b‖)`,
  ///   `∂d/∂a = −b / (‖a‖ ‖b‖) + (a·b) a / (‖a‖³ ‖b‖)`; `d = 1` with gradient 0 when either
  ///   descriptor is zero.
  /// - Precondition: `a.count == b.count`.
  public func distance(
    from a: UnsafeBufferPointer<Float>, to b: UnsafeBufferPointer<Float>,
    gradient: UnsafeMutableBufferPointer<Float>? = nil
  ) -> Float {
    precondition(a.count == b.count, "[distance] descriptors of \(a.count) and \(b.count) values")
    switch self {
    case .euclidean:
      var squared = 0.0
      for j in 0..<a.count {
        let difference = Double(a[j]) - Double(b[j])
        squared += difference * difference
      }
      let d = squared.squareRoot()
      if let gradient {
        for j in 0..<a.count {
          gradient[j] = d > 0 ? Float((Double(a[j]) - Double(b[j])) / d) : 0
        }
      }
      return Float(d)
    case .cosine:
      var dot = 0.0
      var aa = 0.0
      var bb = 0.0
      for j in 0..<a.count {
        dot += Double(a[j]) * Double(b[j])
        aa += Double(a[j]) * Double(a[j])
        bb += Double(b[j]) * Double(b[j])
      }
      guard aa > 0, bb > 0 else {
        if let gradient { for j in 0..<a.count { gradient[j] = 0 } }
        return 1
      }
      let normA = aa.squareRoot()
      let normB = bb.squareRoot()
      if let gradient {
        for j in 0..<a.count {
          let g = -Double(b[j]) / (normA * normB) + dot * Double(a[j]) / (aa * normA * normB)
          gradient[j] = Float(g)
        }
      }
      return Float(1 - dot / (normA * normB))
    }
  }
}
