import Adversary
import FaceTensor
import FaceTestSupport
import Testing

@Suite struct FGSMTests {
  /// A two-class linear model `z = [0, w·x·s − 5]`: every image is class 0, and the gradient of
  /// the untargeted loss with respect to x is a negative multiple of w.
  static func logisticModel(pixelCount: Int, generator: inout SplitMix64) -> DenseTestModel {
    var w = (0..<pixelCount).map { _ in Double(generator.uniform(0.1...1)) }
    for j in stride(from: 0, to: pixelCount, by: 3) { w[j] = -w[j] }
    return DenseTestModel(
      weights: [Double](repeating: 0, count: pixelCount) + w, bias: [0, -5], outputCount: 2,
      pixelCount: pixelCount, scale: 1 / (255 * Double(pixelCount)), usesTanh: false)
  }

  @Test(arguments: [UInt64(1), 2, 3])
  func stepIsEpsilonTimesSignOfWeightsClipped(seed: UInt64) throws {
    var generator = SplitMix64(seed: seed)
    let shape = [2, 5, 4, 3]
    let p = 5 * 4 * 3
    let model = FGSMTests.logisticModel(pixelCount: p, generator: &generator)
    let images = randomImages(shape, generator: &generator)
    let result = try FGSM(epsilon: 8).run(on: model, images: images, goal: .untargeted())
    let w = Array(model.weights[p...])
    let expected = images.scalars.enumerated().map { i, x in
      min(max(x + 8 * (w[i % p] > 0 ? 1 : -1), 0), 255)
    }
    #expect(result.adversarial.scalars == expected)
    #expect(result.trace.map(\.count) == [1, 1])
  }

  @Test func roundingCanUndoAFloatSuccess() throws {
    // Clean margin just under what a 0.4-level FGSM step gains: success as optimised, and the
    // 8-bit rounding (back to the clean whole-level image) loses it.
    var generator = SplitMix64(seed: 5)
    let p = 4 * 4 * 3
    var model = FGSMTests.logisticModel(pixelCount: p, generator: &generator)
    let images = randomImages([1, 4, 4, 3], generator: &generator)
    let w = Array(model.weights[p...])
    let clean = zip(w, images.scalars).reduce(0.0) { $0 + $1.0 * Double($1.1) } * model.scale
    let gain = 0.4 * w.reduce(0.0) { $0 + abs($1) } * model.scale
    model = DenseTestModel(
      weights: model.weights, bias: [0, -clean - gain / 2], outputCount: 2, pixelCount: p,
      scale: model.scale, usesTanh: false)
    let result = try FGSM(epsilon: 0.4).run(on: model, images: images, goal: .untargeted())
    #expect(result.optimized.samples[0].success)
    #expect(!result.rounded.samples[0].success)
    #expect(result.rounded.images == images)
  }

  @Test func zeroEpsilonReturnsTheInput() throws {
    var generator = SplitMix64(seed: 9)
    let model = DenseTestModel.linearClassifier(classes: 4, pixelCount: 27, generator: &generator)
    let images = randomImages([3, 3, 3, 3], generator: &generator)
    for norm in PerturbationNorm.allCases {
      let result = try FGSM(epsilon: 0, norm: norm).run(
        on: model, images: images, goal: .untargeted())
      #expect(bitPatterns(result.adversarial) == bitPatterns(images))
      #expect(result.perturbation.maxAbs() == 0)
    }
  }
}
