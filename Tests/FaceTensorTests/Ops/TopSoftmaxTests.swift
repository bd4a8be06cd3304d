import FaceTensor
import Testing

@Suite struct TopSoftmaxTests {
  @Test func mostProbableFirstWithTheSoftmaxProbabilities() {
    let logits = Tensor(shape: [2, 4], scalars: [1, 3, 2, 0, 5, 5, -1, 4])
    let top = logits.topSoftmax(count: 3)
    let probabilities = logits.softmax().scalars
    #expect(top[0].map(\.index) == [1, 2, 0])
    #expect(top[0].map(\.probability) == [probabilities[1], probabilities[2], probabilities[0]])
    // Equal logits in class order.
    #expect(top[1].map(\.index) == [0, 1, 3])
    #expect(top[1][0].probability == probabilities[4])
  }

  @Test func countIsCappedByTheClasses() {
    let top = Tensor(shape: [1, 2], scalars: [0, 1]).topSoftmax(count: 5)
    #expect(top[0].map(\.index) == [1, 0])
  }
}
