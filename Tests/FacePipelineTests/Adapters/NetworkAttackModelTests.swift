import Adversary
import FaceNets
import FacePipeline
import FaceTensor
import FaceTestSupport
import Testing

/// `NetworkAttackModel` on a tiny smooth network with two outputs: it shows the attack the first
/// output, and its pullback is that output's vector-Jacobian product by finite differences.
@Suite struct NetworkAttackModelTests {
  /// A tiny network with two outputs, smooth everywhere so that every finite difference is
  /// meaningful.
  ///
  /// `[N, 5, 5, 3]` pixels in 0...255 → `Affine` (÷ 64, − 2) → `Conv2D` 3×3×3×4 'same' →
  /// `Sigmoid` → `Flatten` → two heads: `Dense` 100 → 3 (output 0) and `Dense` 100 → 2
  /// (output 1).
  static func network(seed: UInt64) -> Network {
    var generator = SplitMix64(seed: seed)
    func random(_ shape: [Int], scale: Float) -> Tensor {
      Tensor(
        shape: shape,
        scalars: (0..<shape.reduce(1, *)).map { _ in scale * Float(generator.normal()) })
    }
    var builder = NetworkBuilder()
    var node = builder.add(
      Affine(gamma: Tensor(repeating: 1 / 64, shape: [3]), beta: Tensor(repeating: -2, shape: [3])),
      named: "scaling", from: builder.input)
    node = builder.add(
      Conv2D(
        kernel: random([3, 3, 3, 4], scale: 0.5), bias: random([4], scale: 0.1),
        padding: .same),
      named: "conv", from: node)
    node = builder.add(Sigmoid(), named: "sigmoid", from: node)
    node = builder.add(Flatten(), named: "flatten", from: node)
    let first = builder.add(
      Dense(kernel: random([100, 3], scale: 0.3), bias: random([3], scale: 0.1)),
      named: "logits", from: node)
    let second = builder.add(
      Dense(kernel: random([100, 2], scale: 0.3), bias: random([2], scale: 0.1)),
      named: "other", from: node)
    return builder.build(outputs: [first, second])
  }

  static func images(seed: UInt64) -> Tensor {
    var generator = SplitMix64(seed: seed)
    return Tensor(
      shape: [2, 5, 5, 3], scalars: (0..<150).map { _ in Float(generator.uniform(20...235)) })
  }

  @Test func theModelIsTheNetworksFirstOutput() {
    let network = Self.network(seed: 51)
    let images = Self.images(seed: 52)
    let model = NetworkAttackModel(network: network)
    #expect(model.inputBounds == 0...255)
    #expect(model.outputs(for: images) == network(images)[0])
    #expect(model.outputsWithPullback(for: images).outputs == network(images)[0])
  }

  /// `L = Σ outputs ⊙ dy` by central differences of 0.5 levels against `pullback(dy)`; the same
  /// check fails for the pullback of another `dy` (the negative control).
  @Test func thePullbackMatchesFiniteDifferences() {
    let model = NetworkAttackModel(network: Self.network(seed: 53))
    let images = Self.images(seed: 54)
    var generator = SplitMix64(seed: 55)
    let dy = Tensor(shape: [2, 3], scalars: (0..<6).map { _ in Float(generator.uniform(-1...1)) })
    let (_, pullback) = model.outputsWithPullback(for: images)
    let analytic = pullback(dy)
    #expect(analytic.shape == images.shape)
    let report = checkGradient(
      "NetworkAttackModel pullback", of: model.outputs(for:), at: images, upstream: dy,
      analytic: analytic, epsilon: 0.5, generator: &generator)
    #expect(report.passes, "\(report)")

    let otherDy = Tensor(shape: [2, 3], scalars: dy.scalars.reversed())
    let wrong = checkGradient(
      "pullback of another dy", of: model.outputs(for:), at: images, upstream: dy,
      analytic: model.outputsWithPullback(for: images).pullback(otherDy), epsilon: 0.5,
      generator: &generator)
    #expect(!wrong.passes, "a wrong pullback passed: \(wrong)")
  }

  /// The two lines a user writes, and the attack's loss falls.
  @Test func twoLinesAttackANetwork() throws {
    let network = Self.network(seed: 56)
    let images = Self.images(seed: 57)
    let model = NetworkAttackModel(network: network)
    let result = try PGD(epsilon: 8, steps: 10, earlyStop: false).run(
      on: model, images: images, goal: .untargeted())
    #expect(result.perturbation.maxAbs() <= 8)
    #expect(result.steps == [10, 10])
    for (entries, final) in zip(result.trace, result.optimized.samples) {
      #expect(final.loss < (entries.first?.loss ?? -.infinity))
    }
  }
}
