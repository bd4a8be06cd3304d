import FaceTensor

/// A row-major array of `Double` values with a shape: the output of a naive reference kernel,
/// computed in double precision so Float32 rounding in the code under test stands out.
public struct ReferenceTensor: Sendable, Equatable {
  /// The extent of each axis, outermost first.
  public let shape: [Int]
  /// The values in row-major order.
  public var values: [Double]

  /// Creates a reference from a shape and its row-major values.
  /// - Precondition: `values.count` equals the product of `shape`.
  public init(shape: [Int], values: [Double]) {
    precondition(
      values.count == shape.reduce(1, *), "[ReferenceTensor] \(values.count) values for \(shape)")
    self.shape = shape
    self.values = values
  }

  /// A zero-filled reference of the given shape.
  public init(zeros shape: [Int]) {
    self.init(shape: shape, values: [Double](repeating: 0, count: shape.reduce(1, *)))
  }

  /// The exact values of a Float tensor.
  public init(_ tensor: Tensor) {
    self.init(shape: tensor.shape, values: tensor.scalars.map(Double.init))
  }

  /// The row-major offset of a multi-index (no bounds checks beyond the array's own).
  @inlinable
  public func offset(_ index: Int...) -> Int {
    var offset = 0
    for (axis, i) in index.enumerated() { offset = offset * shape[axis] + i }
    return offset
  }
}

/// The largest difference between a Float tensor and a reference, with where it occurred.
public struct ComparisonReport: Sendable, CustomStringConvertible {
  /// What was compared.
  public let label: String
  /// The compared shape (the reference's).
  public let shape: [Int]
  /// Whether the shapes were equal (a mismatch always fails).
  public let shapesAgree: Bool
  /// Flat index of the largest scaled error.
  public let worstFlatIndex: Int
  /// The tested value there.
  public let actual: Double
  /// The reference value there.
  public let expected: Double
  /// `|actual - expected| / max(1, |expected|)` there.
  public let worstError: Double
  /// The threshold on that error.
  public let tolerance: Double

  /// Whether the shapes agree and every element is within tolerance.
  public var passes: Bool { shapesAgree && worstError <= tolerance }

  /// A one-line human-readable form.
  public var description: String {
    guard shapesAgree else { return "'\(label)': shape mismatch, expected \(shape)" }
    var rest = worstFlatIndex
    var index = [Int](repeating: 0, count: shape.count)
    for axis in shape.indices.reversed() where shape[axis] > 0 {
      index[axis] = rest % shape[axis]
      rest /= shape[axis]
    }
    return "'\(label)' \(passes ? "matches" : "DIFFERS"): worst element \(index) actual \(actual), "
      + "expected \(expected), error \(worstError) (tolerance \(tolerance))"
  }
}

/// Compares `actual` with `expected` element by element, the error scaled by
/// `max(1, |expected|)` (absolute near zero, relative for large values).
public func compare(
  _ label: String = "tensor", _ actual: Tensor, to expected: ReferenceTensor,
  tolerance: Double = 1e-5
) -> ComparisonReport {
  guard actual.shape == expected.shape else {
    return ComparisonReport(
      label: label, shape: expected.shape, shapesAgree: false, worstFlatIndex: 0, actual: .nan,
      expected: .nan, worstError: .infinity, tolerance: tolerance)
  }
  var worst = (index: 0, error: -1.0)
  actual.withUnsafeBufferPointer { a in
    for i in a.indices {
      let error = abs(Double(a[i]) - expected.values[i]) / max(1, abs(expected.values[i]))
      if error > worst.error || error.isNaN { worst = (i, error.isNaN ? .infinity : error) }
    }
  }
  let index = worst.index
  return ComparisonReport(
    label: label, shape: expected.shape, shapesAgree: true, worstFlatIndex: index,
    actual: actual.count > 0 ? Double(actual.scalars[index]) : 0,
    expected: expected.values.isEmpty ? 0 : expected.values[index],
    worstError: max(worst.error, 0), tolerance: tolerance)
}

extension SplitMix64 {
  /// A tensor of the given shape with elements uniform in `range`.
  public mutating func uniformTensor(_ shape: [Int], in range: ClosedRange<Float> = -1...1)
    -> Tensor
  {
    let count = shape.reduce(1, *)
    var values = [Float]()
    values.reserveCapacity(count)
    for _ in 0..<count { values.append(uniform(range)) }
    return Tensor(shape: shape, scalars: values)
  }

  /// A tensor of the given shape with elements uniform in `range` and at least `margin` away
  /// from zero in absolute value (keeps inputs off kinks such as ReLU's at 0).
  public mutating func uniformTensor(
    _ shape: [Int], in range: ClosedRange<Float> = -1...1, awayFromZeroBy margin: Float
  ) -> Tensor {
    let count = shape.reduce(1, *)
    var values = [Float]()
    values.reserveCapacity(count)
    while values.count < count {
      let v = uniform(range)
      if abs(v) >= margin { values.append(v) }
    }
    return Tensor(shape: shape, scalars: values)
  }
}
