import FaceNets
import FaceTensor
import FaceTestSupport
import Testing

@Suite struct ElementwiseGradientTests {
  static let shapes: [[Int]] = [[2, 3, 5, 3], [2, 4], [1, 1, 1, 2]]

  @Test(arguments: shapes)
  func reluInputGradientMatchesFiniteDifferences(_ shape: [Int]) {
    var g = SplitMix64(seed: 1)
    // Inputs at least 3ε from the kink at 0.
    let report = LayerGradientCheck.input(
      of: ReLU(), at: g.uniformTensor(shape, awayFromZeroBy: 0.03), seed: 2)
    #expect(report.passes, "\(report)")
  }

  @Test func reluBackwardAtZeroIsZero() {
    let (_, pullback) = ReLU().valueWithPullback(at: Tensor(zeros: [1, 2]), scope: .input)
    #expect(pullback(Tensor(repeating: 1, shape: [1, 2])).input.scalars == [0, 0])
  }

  @Test(arguments: [[3], [1, 1, 3]])
  func preluInputAndAlphaGradientsMatchFiniteDifferences(_ alphaShape: [Int]) throws {
    var g = SplitMix64(seed: 3)
    let layer = PReLU(alpha: g.uniformTensor(alphaShape, in: 0.1...0.5))
    let x = g.uniformTensor([2, 3, 4, 3], awayFromZeroBy: 0.03)
    let input = LayerGradientCheck.input(of: layer, at: x, seed: 4)
    #expect(input.passes, "\(input)")
    let alpha = try LayerGradientCheck.parameter(
      \.alpha, of: layer, at: x, seed: 5, gradient: \.alpha)
    #expect(alpha.passes, "\(alpha)")
  }

  @Test(arguments: shapes)
  func sigmoidInputGradientMatchesFiniteDifferences(_ shape: [Int]) {
    var g = SplitMix64(seed: 6)
    let report = LayerGradientCheck.input(
      of: Sigmoid(), at: g.uniformTensor(shape, in: -3...3), seed: 7)
    #expect(report.passes, "\(report)")
  }

  @Test(arguments: shapes)
  func softmaxInputGradientMatchesFiniteDifferences(_ shape: [Int]) {
    var g = SplitMix64(seed: 8)
    let report = LayerGradientCheck.input(
      of: Softmax(), at: g.uniformTensor(shape, in: -3...3), seed: 9)
    #expect(report.passes, "\(report)")
  }

  @Test func batchNormGradientsMatchFiniteDifferences() throws {
    var g = SplitMix64(seed: 10)
    let layer = BatchNorm(
      gamma: g.uniformTensor([3]), beta: g.uniformTensor([3]), movingMean: g.uniformTensor([3]),
      movingVariance: g.uniformTensor([3], in: 0.2...2), epsilon: 1e-4)
    let x = g.uniformTensor([2, 3, 5, 3])
    let input = LayerGradientCheck.input(of: layer, at: x, seed: 11)
    #expect(input.passes, "\(input)")
    let gamma = try LayerGradientCheck.parameter(
      \.gamma, of: layer, at: x, seed: 11, gradient: \.gamma)
    #expect(gamma.passes, "\(gamma)")
    let beta = try LayerGradientCheck.parameter(
      \.beta, of: layer, at: x, seed: 11, gradient: \.beta)
    #expect(beta.passes, "\(beta)")
  }

  @Test func batchNormMovingStatisticsAreConstants() throws {
    let (_, pullback) = BatchNorm(channels: 2, epsilon: 1e-3).valueWithPullback(
      at: Tensor(repeating: 1, shape: [1, 2]), scope: .inputAndParameters)
    let gradient = try #require(pullback(Tensor(repeating: 1, shape: [1, 2])).parameters)
    #expect(Mirror(reflecting: gradient).children.map(\.label) == ["gamma", "beta"])
  }

  @Test func affineGradientsMatchFiniteDifferences() throws {
    var g = SplitMix64(seed: 12)
    let layer = Affine(gamma: g.uniformTensor([4]), beta: g.uniformTensor([4]))
    let x = g.uniformTensor([2, 3, 3, 4])
    let input = LayerGradientCheck.input(of: layer, at: x, seed: 13)
    #expect(input.passes, "\(input)")
    let gamma = try LayerGradientCheck.parameter(
      \.gamma, of: layer, at: x, seed: 13, gradient: \.gamma)
    #expect(gamma.passes, "\(gamma)")
    let beta = try LayerGradientCheck.parameter(
      \.beta, of: layer, at: x, seed: 13, gradient: \.beta)
    #expect(beta.passes, "\(beta)")
  }

  @Test func denseGradientsMatchFiniteDifferences() throws {
    var g = SplitMix64(seed: 14)
    let layer = Dense(kernel: g.uniformTensor([6, 4]), bias: g.uniformTensor([4]))
    let x = g.uniformTensor([2, 6])
    let input = LayerGradientCheck.input(of: layer, at: x, seed: 15)
    #expect(input.passes, "\(input)")
    let kernel = try LayerGradientCheck.parameter(
      \.kernel, of: layer, at: x, seed: 15, gradient: \.kernel)
    #expect(kernel.passes, "\(kernel)")
    let bias = try LayerGradientCheck.parameter(
      \.bias, of: layer, at: x, seed: 15, gradient: \.bias)
    #expect(bias.passes, "\(bias)")
  }

  @Test(arguments: [Flatten.Order.channelsLast, .channelsFirst])
  func flattenInputGradientMatchesFiniteDifferences(_ order: Flatten.Order) {
    var g = SplitMix64(seed: 16)
    let report = LayerGradientCheck.input(
      of: Flatten(order: order), at: g.uniformTensor([2, 3, 2, 4]), seed: 17)
    #expect(report.passes, "\(report)")
  }
}
