import Adversary
import FaceTensor
import FaceTestSupport
import Testing

/// `ClosureAttackModel`: attacks through closures are the attacks on the model they wrap, and a
/// tiny hand-written closure model is attacked as its closed form says.
@Suite struct ClosureAttackModelTests {
  /// A brightness classifier written as two closures: logits `[a·m, −a·m]` with
  /// `m = mean(x) / 255 − 1/2` over each image's `P` values, so an image brighter than mid-grey is
  /// class 0, and `∂L/∂x_j = a · (dz₀ − dz₁) / (255 · P)` for every value of the image.
  static func brightnessModel(scale a: Float = 40) -> ClosureAttackModel {
    ClosureAttackModel(
      outputs: { images in
        let n = images.shape[0]
        let p = images.count / n
        let scalars = (0..<n).flatMap { i -> [Float] in
          let sum = images.scalars[(i * p)..<((i + 1) * p)].reduce(0, +)
          let m = sum / (255 * Float(p)) - 0.5
          return [a * m, -a * m]
        }
        return Tensor(shape: [n, 2], scalars: scalars)
      },
      vectorJacobianProduct: { images, dLogits in
        let n = images.shape[0]
        let p = images.count / n
        let scalars = (0..<n).flatMap { i -> [Float] in
          let g = a * (dLogits[i, 0] - dLogits[i, 1]) / (255 * Float(p))
          return [Float](repeating: g, count: p)
        }
        return Tensor(shape: images.shape, scalars: scalars)
      })
  }

  @Test func fgsmDarkensABrightImageByEpsilonEverywhere() throws {
    var generator = SplitMix64(seed: 31)
    // Random levels in 100...255: every image is brighter than mid-grey, so class 0.
    let images = Tensor(
      shape: [2, 3, 5, 3],
      scalars: (0..<90).map { _ in Float(100 + generator.next() % 156) })
    let model = Self.brightnessModel()
    let result = try FGSM(epsilon: 8).run(on: model, images: images, goal: .untargeted())
    // The untargeted loss rises as the mean falls: every value moves down by ε.
    #expect(result.adversarial.scalars == images.scalars.map { $0 - 8 })
    #expect(result.steps == [1, 1])
  }

  @Test func pgdFlipsANearlyGreyImage() throws {
    // Mean 130 of 0...255: class 0 by a small lead; 8 levels down make it class 1.
    let images = Tensor(repeating: 130, shape: [1, 4, 4, 3])
    let model = Self.brightnessModel()
    let clean = model.outputs(for: images)
    #expect(clean[0, 0] > clean[0, 1])
    let result = try PGD(epsilon: 8, steps: 10).run(on: model, images: images, goal: .untargeted())
    #expect(result.rounded.successes == [true])
    #expect(result.rounded.samples[0].topClasses.first?.label == 1)
    #expect(result.perturbation.maxAbs() <= 8)
    #expect(result.rounded.images.scalars.allSatisfy { $0 < 127.5 })
  }

  /// The closures of `DenseTestModel` wrapped both ways: every attack gives the bytes it gives
  /// on the model itself.
  @Test(arguments: [AttackMethod.fgsm, .pgd, .cw])
  func wrappingAModelsClosuresChangesNoByte(_ method: AttackMethod) throws {
    var generator = SplitMix64(seed: 32)
    let dense = DenseTestModel.linearClassifier(classes: 4, pixelCount: 48, generator: &generator)
    let images = randomImages([3, 4, 4, 3], generator: &generator)
    let settings =
      method == .cw ? AttackSettings(steps: 10) : AttackSettings(epsilon: 6, steps: 10)
    let attack = try method.makeAttack(with: settings).attack
    let direct = try attack.run(on: dense, images: images, goal: .untargeted(), seed: 3)
    let byProduct = ClosureAttackModel(
      outputs: dense.outputs(for:),
      vectorJacobianProduct: { images, dOutputs in
        dense.outputsWithPullback(for: images).pullback(dOutputs)
      })
    let byPullback = ClosureAttackModel(outputsWithPullback: dense.outputsWithPullback(for:))
    for wrapped in [byProduct, byPullback] {
      let result = try attack.run(on: wrapped, images: images, goal: .untargeted(), seed: 3)
      #expect(bitPatterns(result.adversarial) == bitPatterns(direct.adversarial))
      #expect(result.trace == direct.trace && result.steps == direct.steps)
    }
  }

  @Test func boundsAreTheGivenOnes() throws {
    let model = ClosureAttackModel(
      inputBounds: 0...1, outputsWithPullback: { ($0, { $0 }) }, outputs: nil)
    #expect(model.inputBounds == 0...1)
    #expect(throws: AttackError.imagesOutOfBounds(found: 2...2, bounds: 0...1)) {
      try FGSM(epsilon: 0.1).run(
        on: model, images: Tensor(repeating: 2, shape: [1, 1, 1, 1]), goal: .untargeted())
    }
  }
}
