import FaceNets
import FaceTensor
import FaceTestSupport
import Testing

/// `Conv2D` with `fusedReLU`: exactly the values and the pullback of a convolution followed by
/// `ReLU`, under each way `ConvolutionPlan` computes it. (Both parts have their finite-difference
/// checks; finite differences of the composition would cross the ReLU's kink.)
@Suite struct Conv2DFusedReLUTests {
  /// One case per strategy: tiles within the threads, pointwise, tap by tap (with and without a
  /// bias).
  static let cases: [Conv2DCase] = [
    Conv2DCase.all[0], Conv2DCase.all[11], Conv2DCase.all[13], Conv2DCase.all[14],
  ]

  /// The case's layer with the ReLU fused, and its input.
  static func fused(_ c: Conv2DCase, seed: UInt64) -> (layer: Conv2D, plain: Conv2D, input: Tensor)
  {
    let (plain, x) = c.make(seed: seed)
    let layer = Conv2D(
      kernel: plain.kernel, bias: plain.bias, strides: plain.strides,
      dilations: plain.dilations, padding: plain.padding, fusedReLU: true)
    return (layer, plain, x)
  }

  @Test func casesCoverEveryStrategy() {
    let strategies = Set(
      Self.cases.map { c in
        "\(ConvolutionPlan(geometry: c.make(seed: 1).layer.geometry(forInputShape: c.inputShape), threads: 2).strategy)"
      })
    #expect(strategies == ["pointwise", "withinTiles", "taps"], "\(strategies)")
  }

  @Test(arguments: cases)
  func forwardEqualsConvolutionThenReLU(_ c: Conv2DCase) {
    let (layer, plain, x) = Self.fused(c, seed: 61)
    let y = layer(x)
    #expect(y == ReLU()(plain(x)), "\(c)")
    // The case rectifies something: some outputs of the plain convolution are negative.
    #expect(plain(x).scalars.contains { $0 < 0 } && y.scalars.allSatisfy { $0 >= 0 })
  }

  @Test(arguments: cases)
  func pullbackEqualsTheChainOfBoth(_ c: Conv2DCase) throws {
    let (layer, plain, x) = Self.fused(c, seed: 62)
    var g = SplitMix64(seed: 63)
    let (y, pullback) = layer.valueWithPullback(at: x, scope: .inputAndParameters)
    let dy = g.uniformTensor(y.shape)
    let (convOutput, convPullback) = plain.valueWithPullback(at: x, scope: .inputAndParameters)
    let (_, reluPullback) = ReLU().valueWithPullback(at: convOutput, scope: .input)
    let (dx, gradient) = pullback(dy)
    let (expectedDx, expectedGradient) = convPullback(reluPullback(dy).input)
    #expect(dx == expectedDx, "\(c)")
    #expect(try #require(gradient).kernel == (try #require(expectedGradient)).kernel, "\(c)")
  }
}
