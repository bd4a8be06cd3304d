/// Elementwise arithmetic on tensors of equal shape, and with scalars.
extension Tensor {
  /// `self[i] + other[i]`.
  ///
  /// - Precondition: equal shapes.
  public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
    lhs.zipped(with: rhs, op: "+") { $0 + $1 }
  }

  /// `self[i] - other[i]`.
  ///
  /// - Precondition: equal shapes.
  public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
    lhs.zipped(with: rhs, op: "-") { $0 - $1 }
  }

  /// `self[i] * other[i]` (Hadamard product).
  ///
  /// - Precondition: equal shapes.
  public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
    lhs.zipped(with: rhs, op: "*") { $0 * $1 }
  }

  /// Every element times `scalar`.
  public static func * (lhs: Tensor, scalar: Float) -> Tensor { lhs.mapped { $0 * scalar } }

  /// Every element times `scalar`.
  public static func * (scalar: Float, rhs: Tensor) -> Tensor { rhs.mapped { $0 * scalar } }

  /// Every element plus `scalar`.
  public static func + (lhs: Tensor, scalar: Float) -> Tensor { lhs.mapped { $0 + scalar } }

  /// Every element minus `scalar`.
  public static func - (lhs: Tensor, scalar: Float) -> Tensor { lhs.mapped { $0 - scalar } }

  /// Adds `other` elementwise in place.
  ///
  /// - Precondition: equal shapes.
  public static func += (lhs: inout Tensor, rhs: Tensor) {
    lhs.combine(with: rhs, op: "+=") { $0 += $1 }
  }

  /// Subtracts `other` elementwise in place.
  ///
  /// - Precondition: equal shapes.
  public static func -= (lhs: inout Tensor, rhs: Tensor) {
    lhs.combine(with: rhs, op: "-=") { $0 -= $1 }
  }

  /// Multiplies every element by `scalar` in place.
  public static func *= (lhs: inout Tensor, scalar: Float) {
    lhs.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] *= scalar } }
  }

  /// `self += alpha * other` in place (axpy).
  ///
  /// - Precondition: equal shapes.
  public mutating func add(_ other: Tensor, scaledBy alpha: Float) {
    combine(with: other, op: "add(scaledBy:)") { $0 += alpha * $1 }
  }

  /// A tensor of the same shape with `transform` applied to every element.
  @inlinable
  public func mapped(_ transform: (Float) -> Float) -> Tensor {
    withUnsafeBufferPointer { src in
      Tensor(shape: shape) { dst in
        for i in src.indices { dst[i] = transform(src[i]) }
      }
    }
  }

  /// A tensor of the same shape with `combine(self[i], other[i])` at every element.
  /// - Precondition: equal shapes.
  @inlinable
  public func zipped(with other: Tensor, op: String = "zip", _ combine: (Float, Float) -> Float)
    -> Tensor
  {
    precondition(shape == other.shape, "[\(op)] shapes differ: \(shape) and \(other.shape)")
    return withUnsafeBufferPointer { a in
      other.withUnsafeBufferPointer { b in
        Tensor(shape: shape) { dst in
          for i in a.indices { dst[i] = combine(a[i], b[i]) }
        }
      }
    }
  }

  /// Applies `update(&self[i], other[i])` at every element, in place.
  /// - Precondition: equal shapes.
  @inlinable
  public mutating func combine(
    with other: Tensor, op: String = "combine", _ update: (inout Float, Float) -> Void
  ) {
    precondition(shape == other.shape, "[\(op)] shapes differ: \(shape) and \(other.shape)")
    other.withUnsafeBufferPointer { b in
      withUnsafeMutableBufferPointer { a in
        for i in a.indices { update(&a[i], b[i]) }
      }
    }
  }

  /// Every element clamped to `range`.
  public func clamped(to range: ClosedRange<Float>) -> Tensor {
    mapped { Swift.min(Swift.max($0, range.lowerBound), range.upperBound) }
  }
}
