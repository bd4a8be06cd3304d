import FaceTensor
import Testing

@Suite struct TensorBatchItemTests {
  /// Each item holds its own values, in order, with a batch of one in front of the rest of the
  /// shape; a batch of one is its own item.
  @Test func anItemIsItsSliceOfTheBatch() {
    let batch = Tensor(shape: [3, 2, 2, 1], scalars: (0..<12).map(Float.init))
    for index in 0..<3 {
      let item = batch.batchItem(index)
      #expect(item.shape == [1, 2, 2, 1])
      #expect(item.scalars == (0..<4).map { Float(index * 4 + $0) })
    }
    let single = Tensor(shape: [1, 3], scalars: [7, 8, 9])
    #expect(single.batchItem(0) == single)
  }
}
