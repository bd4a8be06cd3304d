import Adversary
import FaceTensor
import FaceTestSupport
import Foundation
import Testing

/// A `DenseTestModel` behind a random per-pixel gain: draw `s` multiplies pixel `j` by a gain in
/// -0.6...1.8 drawn from `s`, so each draw has its own gradient (signs included).
///
/// The deterministic `outputs(for:)` applies no gain. Records every draw's seed and input
/// gradient.
struct RandomGainModel: RandomizedAttackableModel {
  let base: DenseTestModel
  let expectationSamples: Int
  let draws = DrawLog()

  var inputBounds: ClosedRange<Float> { base.inputBounds }

  func outputs(for images: Tensor) -> Tensor { base.outputs(for: images) }

  func outputsWithPullback(for images: Tensor) -> (outputs: Tensor, pullback: (Tensor) -> Tensor) {
    base.outputsWithPullback(for: images)
  }

  func outputsWithPullback(for images: Tensor, drawSeed: UInt64) -> (
    outputs: Tensor, pullback: (Tensor) -> Tensor
  ) {
    var generator = SplitMix64(seed: drawSeed)
    let gains = Tensor(
      shape: images.shape, scalars: (0..<images.count).map { _ in generator.uniform(-0.6...1.8) })
    let (outputs, pullback) = base.outputsWithPullback(for: images * gains)
    let draws = self.draws
    return (
      outputs,
      { dOutputs in
        let dImages = pullback(dOutputs) * gains
        draws.record(seed: drawSeed, gradient: dImages)
        return dImages
      }
    )
  }
}

/// The draws a `RandomGainModel` has made.
final class DrawLog: @unchecked Sendable {
  private let lock = NSLock()
  private var entries: [(seed: UInt64, gradient: Tensor)] = []

  func record(seed: UInt64, gradient: Tensor) { lock.withLock { entries.append((seed, gradient)) } }
  var seeds: [UInt64] { lock.withLock { entries.map(\.seed) } }
  var gradients: [Tensor] { lock.withLock { entries.map(\.gradient) } }
}

@Suite struct ExpectationOverTransformationTests {
  func model(draws: Int, seed: UInt64) -> (RandomGainModel, Tensor) {
    var generator = SplitMix64(seed: seed)
    let base = DenseTestModel.linearClassifier(
      classes: 3, pixelCount: 4 * 5 * 3, generator: &generator)
    let images = randomImages([1, 4, 5, 3], generator: &generator)
    return (RandomGainModel(base: base, expectationSamples: draws), images)
  }

  @Test func fgsmStepsAlongTheSignOfTheMeanGradientOverTheDraws() throws {
    let (model, images) = model(draws: 6, seed: 3)
    let result = try FGSM(epsilon: 4).run(on: model, images: images, goal: .untargeted(), seed: 11)
    let gradients = model.draws.gradients
    #expect(gradients.count == 6)
    #expect(Set(model.draws.seeds).count == 6)
    var mean = Tensor(zeros: images.shape)
    for g in gradients { mean.add(g, scaledBy: 1 / 6) }
    // The loss is minimised: one step of ε against the sign of the averaged gradient, clipped.
    let expected = zip(images.scalars, mean.scalars).map { x, g in
      min(max(x - 4 * (g > 0 ? 1 : g < 0 ? -1 : 0), 0), 255)
    }
    #expect(result.adversarial.scalars == expected)
    // A single draw's sign differs from the mean's somewhere: the average is really taken.
    let disagreements = zip(gradients[0].scalars, mean.scalars).filter { ($0 > 0) != ($1 > 0) }
    #expect(!disagreements.isEmpty)
  }

  @Test func sameAttackSeedGivesTheSameDrawsAndAnotherSeedOthers() throws {
    let (first, images) = model(draws: 3, seed: 5)
    let (second, _) = model(draws: 3, seed: 5)
    let (third, _) = model(draws: 3, seed: 5)
    let a = try PGD(epsilon: 4, steps: 3, earlyStop: false).run(
      on: first, images: images, goal: .untargeted(), seed: 1)
    let b = try PGD(epsilon: 4, steps: 3, earlyStop: false).run(
      on: second, images: images, goal: .untargeted(), seed: 1)
    _ = try PGD(epsilon: 4, steps: 3, earlyStop: false).run(
      on: third, images: images, goal: .untargeted(), seed: 2)
    #expect(first.draws.seeds.count == 9)
    #expect(first.draws.seeds == second.draws.seeds)
    #expect(bitPatterns(a.adversarial) == bitPatterns(b.adversarial))
    #expect(Set(first.draws.seeds).isDisjoint(with: third.draws.seeds))
  }

  @Test func oneDrawUsesTheDeterministicPullback() throws {
    let (model, images) = model(draws: 1, seed: 8)
    _ = try BIM(epsilon: 4, steps: 2).run(on: model, images: images, goal: .untargeted(), seed: 1)
    #expect(model.draws.seeds.isEmpty)
  }
}
