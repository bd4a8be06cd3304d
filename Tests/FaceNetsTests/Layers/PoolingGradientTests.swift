import FaceNets
import FaceTensor
import FaceTestSupport
import Testing

@Suite struct PoolingGradientTests {
  @Test(arguments: PoolingCase.all)
  func maxPoolInputGradientMatchesFiniteDifferences(_ c: PoolingCase) {
    let layer = MaxPool2D(
      window: c.window, strides: c.strides, padding: c.padding, rounding: c.rounding)
    let report = LayerGradientCheck.input(of: layer, at: c.input(seed: 5), seed: 6)
    #expect(report.passes, "\(c): \(report)")
  }

  @Test(arguments: PoolingCase.all)
  func avgPoolInputGradientMatchesFiniteDifferences(_ c: PoolingCase) {
    let layer = AvgPool2D(
      window: c.window, strides: c.strides, padding: c.padding, rounding: c.rounding)
    let report = LayerGradientCheck.input(of: layer, at: c.input(seed: 7), seed: 8)
    #expect(report.passes, "\(c): \(report)")
  }

  @Test func maxPoolBackwardSendsTiesToTheFirstPixelOfTheWindow() {
    let x = Tensor(shape: [1, 2, 2, 1], scalars: [3, 3, 3, 3])
    let (_, pullback) = MaxPool2D(window: (2, 2)).valueWithPullback(at: x, scope: .input)
    let dx = pullback(Tensor(shape: [1, 1, 1, 1], scalars: [1])).input
    #expect(dx.scalars == [1, 0, 0, 0])
  }

  @Test func globalAveragePoolInputGradientMatchesFiniteDifferences() {
    var g = SplitMix64(seed: 9)
    let report = LayerGradientCheck.input(
      of: GlobalAveragePool(), at: g.uniformTensor([2, 3, 5, 3]), seed: 10)
    #expect(report.passes, "\(report)")
  }
}
