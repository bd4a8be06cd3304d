extension Tensor {
  /// Entry `index` along the first axis as a batch of one: `[1, d1, d2, ...]` of a tensor
  /// `[N, d1, d2, ...]` (the tensor itself when `N` is 1).
  /// - Precondition: rank at least 1 and `index` in `0..<N`.
  public func batchItem(_ index: Int) -> Tensor {
    precondition(
      rank >= 1 && (0..<shape[0]).contains(index),
      "[batchItem] item \(index) of a tensor \(shape)")
    guard shape[0] > 1 else { return self }
    let itemShape = [1] + Array(shape[1...])
    let count = Tensor.elementCount(of: itemShape)
    return withUnsafeBufferPointer { values in
      Tensor(shape: itemShape) { item in
        item.baseAddress!.update(from: values.baseAddress! + index * count, count: count)
      }
    }
  }
}
