/// A dense array of `Float` values with a shape, stored contiguously in row-major order.
///
/// Layout conventions used throughout FaceAdversary:
/// - image batches are **NHWC** (`[N, H, W, C]`),
/// - convolution kernels are **HWIO** (`[KH, KW, C, OC]`, the Keras order),
/// - dense kernels are `[in, out]`.
///
/// **Value semantics.** `Tensor` is a struct whose storage is a Swift `Array`, so copies are cheap
/// (copy-on-write) and a tensor never changes behind its owner's back: a layer's pullback that
/// captures its input keeps exactly the values it was given. Hot loops reach the storage through
/// `withUnsafeBufferPointer` / `withUnsafeMutableBufferPointer`; a tensor that is uniquely referenced
/// is mutated in place, so a buffer can be reused across iterations by keeping it in a `var` and
/// writing into it (see `Tensor.assign(_:)`).
public struct Tensor: Sendable, Equatable {
  /// The extent of each axis, outermost first.
  @inlinable public var shape: [Int] { extents }

  /// The backing shape (`shape`); changed only by `reshape(to:)` and `assign(_:)`.
  @usableFromInline internal var extents: [Int]
  /// The values in row-major order; `scalars.count == shape.reduce(1, *)`.
  ///
  /// Write them through `withUnsafeMutableBufferPointer`, the subscript, or `assign(_:)`, which
  /// keep the count fixed.
  @inlinable public var scalars: [Float] { storage }

  /// The backing array (`scalars`); mutated only by methods that keep its count.
  @usableFromInline internal var storage: [Float]

  /// Creates a tensor from a shape and its row-major values.
  /// - Precondition: `scalars.count` equals the product of `shape`, and no extent is negative.
  public init(shape: [Int], scalars: [Float]) {
    precondition(
      scalars.count == Tensor.elementCount(of: shape),
      "[Tensor] \(scalars.count) scalars do not fill shape \(shape)")
    self.extents = shape
    self.storage = scalars
  }

  /// Creates a tensor of the given shape with every element equal to `value`.
  public init(repeating value: Float, shape: [Int]) {
    self.init(
      shape: shape, scalars: [Float](repeating: value, count: Tensor.elementCount(of: shape)))
  }

  /// Creates a zero-filled tensor of the given shape.
  public init(zeros shape: [Int]) {
    self.init(repeating: 0, shape: shape)
  }

  /// Creates a tensor by letting `initializer` write every element of uninitialised storage.
  ///
  /// - Parameter initializer: receives a buffer of `shape.reduce(1, *)` elements and must
  ///   initialise all of them.
  @inlinable
  public init(
    shape: [Int],
    unsafeUninitializedScalars initializer: (UnsafeMutableBufferPointer<Float>) -> Void
  ) {
    let count = Tensor.elementCount(of: shape)
    self.extents = shape
    self.storage = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      initializer(buffer)
      initialized = count
    }
  }

  /// The number of elements.
  @inlinable public var count: Int { storage.count }

  /// The number of axes.
  @inlinable public var rank: Int { shape.count }

  /// The product of the extents of `shape`.
  /// - Precondition: no extent is negative.
  @inlinable
  public static func elementCount(of shape: [Int]) -> Int {
    var count = 1
    for extent in shape {
      precondition(extent >= 0, "[Tensor] negative extent in shape \(shape)")
      count *= extent
    }
    return count
  }

  /// The product of the extents of `shape`, or nil when an extent is negative or the product
  /// overflows `Int`: for shapes read from a file, checked before anything is allocated.
  public static func checkedElementCount(of shape: [Int]) -> Int? {
    var count = 1
    for extent in shape {
      guard extent >= 0 else { return nil }
      let (product, overflow) = count.multipliedReportingOverflow(by: extent)
      guard !overflow else { return nil }
      count = product
    }
    return count
  }

  /// The same values viewed with another shape of equal element count.
  public func reshaped(to newShape: [Int]) -> Tensor {
    var result = self
    result.reshape(to: newShape)
    return result
  }

  /// Changes the shape in place; the values and their order are unchanged.
  /// - Precondition: `newShape` has the same element count.
  public mutating func reshape(to newShape: [Int]) {
    precondition(
      Tensor.elementCount(of: newShape) == count,
      "[reshape] cannot view \(shape) (\(count) elements) as \(newShape)")
    extents = newShape
  }

  /// Overwrites this tensor's shape and values with `other`'s, reusing this tensor's storage when
  /// it is uniquely referenced and large enough.
  public mutating func assign(_ other: Tensor) {
    if scalars.count == other.count {
      extents = other.shape
      storage.withUnsafeMutableBufferPointer { dst in
        other.storage.withUnsafeBufferPointer { src in
          dst.baseAddress!.update(from: src.baseAddress!, count: src.count)
        }
      }
    } else {
      self = other
    }
  }

  /// Calls `body` with the row-major values.
  @inlinable
  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows
    -> R
  {
    try storage.withUnsafeBufferPointer(body)
  }

  /// Calls `body` with mutable access to the row-major values (in place when uniquely referenced).
  @inlinable
  public mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    try storage.withUnsafeMutableBufferPointer(body)
  }

  /// The element at a multi-dimensional index (slow; for tests and small tensors).
  public subscript(index: Int...) -> Float {
    get { storage[flatIndex(index)] }
    set { storage[flatIndex(index)] = newValue }
  }

  /// The row-major offset of a multi-dimensional index.
  /// - Precondition: one coordinate per axis, each within its extent.
  public func flatIndex(_ index: [Int]) -> Int {
    precondition(
      index.count == rank, "[Tensor] index \(index) has rank \(index.count), tensor \(shape)")
    var offset = 0
    for (axis, i) in index.enumerated() {
      precondition(i >= 0 && i < shape[axis], "[Tensor] index \(index) out of bounds for \(shape)")
      offset = offset * shape[axis] + i
    }
    return offset
  }
}

extension Tensor: CustomStringConvertible {
  /// A short summary: shape and the first few values.
  public var description: String {
    let head = scalars.prefix(6).map { String($0) }.joined(separator: ", ")
    return "Tensor(shape: \(shape), [\(head)\(count > 6 ? ", ..." : "")])"
  }
}
