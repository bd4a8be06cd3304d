import FaceNets
import FaceTensor
import FaceTestSupport
import Testing

@Suite struct MergeLayerTests {
  @Test func paddedAddZeroPadsTheSmallerInputAtTheEndOfEachAxis() {
    // a: [1, 1, 2, 1] = [1, 2]; b: [1, 2, 1, 2] = [[10, 20], [30, 40]]
    let a = Tensor(shape: [1, 1, 2, 1], scalars: [1, 2])
    let b = Tensor(shape: [1, 2, 1, 2], scalars: [10, 20, 30, 40])
    let y = PaddedAdd()([a, b])
    #expect(y.shape == [1, 2, 2, 2])
    // y[0, h, w, c]: a contributes at (0, w, 0); b at (h, 0, c).
    #expect(y.scalars == [11, 20, 2, 0, 30, 40, 0, 0])
    let (_, pullback) = PaddedAdd().valueWithPullback(at: [a, b])
    let dy = Tensor(shape: [1, 2, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
    let grads = pullback(dy)
    #expect(grads[0].shape == a.shape && grads[0].scalars == [1, 3])
    #expect(grads[1].shape == b.shape && grads[1].scalars == [1, 2, 5, 6])
  }

  @Test func concatJoinsChannelsInInputOrder() {
    let a = Tensor(shape: [1, 2, 1], scalars: [1, 2])
    let b = Tensor(shape: [1, 2, 2], scalars: [3, 4, 5, 6])
    #expect(Concat()([a, b]).scalars == [1, 3, 4, 2, 5, 6])
  }

  @Test func multiplyScalesEveryPixelByItsImagesChannelFactor() {
    let x = Tensor(shape: [2, 1, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
    let s = Tensor(shape: [2, 1, 1, 2], scalars: [10, 100, -1, 0.5])
    #expect(Multiply()([x, s]).scalars == [10, 200, 30, 400, -5, 3, -7, 4])
  }
}

@Suite struct MergeGradientTests {
  @Test(arguments: 0..<3)
  func addInputGradientsMatchFiniteDifferences(_ k: Int) {
    var g = SplitMix64(seed: 1)
    let inputs = (0..<3).map { _ in g.uniformTensor([2, 3, 3, 2]) }
    let report = LayerGradientCheck.mergeInput(k, of: Add(), at: inputs, seed: 2)
    #expect(report.passes, "\(report)")
  }

  @Test(
    arguments: [
      ([2, 3, 3, 2], [2, 2, 3, 4]), ([2, 4, 4, 3], [2, 2, 2, 5]), ([1, 3, 3, 2], [1, 3, 3, 2]),
    ], [0, 1])
  func paddedAddInputGradientsMatchFiniteDifferences(_ shapes: ([Int], [Int]), _ k: Int) {
    var g = SplitMix64(seed: 3)
    let inputs = [g.uniformTensor(shapes.0), g.uniformTensor(shapes.1)]
    let report = LayerGradientCheck.mergeInput(k, of: PaddedAdd(), at: inputs, seed: 4)
    #expect(report.passes, "\(report)")
  }

  @Test(arguments: [[2, 3], [2, 1, 1, 3]], [0, 1])
  func multiplyInputGradientsMatchFiniteDifferences(_ scaleShape: [Int], _ k: Int) {
    var g = SplitMix64(seed: 5)
    let inputs = [g.uniformTensor([2, 3, 4, 3]), g.uniformTensor(scaleShape)]
    let report = LayerGradientCheck.mergeInput(k, of: Multiply(), at: inputs, seed: 6)
    #expect(report.passes, "\(report)")
  }

  @Test(arguments: 0..<3)
  func concatInputGradientsMatchFiniteDifferences(_ k: Int) {
    var g = SplitMix64(seed: 7)
    let inputs = [
      g.uniformTensor([2, 2, 3, 1]), g.uniformTensor([2, 2, 3, 3]), g.uniformTensor([2, 2, 3, 2]),
    ]
    let report = LayerGradientCheck.mergeInput(k, of: Concat(), at: inputs, seed: 8)
    #expect(report.passes, "\(report)")
  }
}
