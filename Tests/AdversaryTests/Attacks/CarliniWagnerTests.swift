import Adversary
import FaceTensor
import FaceTestSupport
import Testing

@Suite struct CarliniWagnerTests {
  @Test func findsNearlyTheSmallestL2PerturbationOfALinearClassifier() throws {
    // Two classes, z₁ − z₀ = g·x + b with g = (w₁ − w₀)·s: the smallest L2 change reaching the
    // margin κ is (z₀ − z₁ + κ) / ‖g‖₂ when no pixel meets a bound (mid-range pixels).
    var generator = SplitMix64(seed: 31)
    let p = 8 * 8 * 3
    let w = (0..<p).map { _ in Double(generator.uniform()) }
    let scale = 0.02 / Double(p).squareRoot()
    let images = Tensor(
      shape: [2, 8, 8, 3], scalars: (0..<(2 * p)).map { _ in Float(90 + generator.next() % 76) })
    let model = DenseTestModel(
      weights: [Double](repeating: 0, count: p) + w, bias: [0, 0], outputCount: 2,
      pixelCount: p, scale: scale, usesTanh: false)
    let clean = model.outputs(for: images)
    let model2 = DenseTestModel(
      weights: model.weights, bias: [0, -Double(max(clean[0, 1], clean[1, 1])) - 2],
      outputCount: 2, pixelCount: p, scale: scale, usesTanh: false)
    let kappa: Float = 0.2
    let gaps = model2.outputs(for: images)
    let gNorm = w.reduce(0) { $0 + $1 * $1 }.squareRoot() * scale
    let result = try CarliniWagnerL2().run(
      on: model2, images: images, goal: .untargeted(margin: kappa))
    for i in 0..<2 {
      let minimum = Double(gaps[i, 0] - gaps[i, 1]) / gNorm
      let withMargin = Double(gaps[i, 0] - gaps[i, 1] + kappa) / gNorm
      let found = Double(result.optimized.samples[i].metrics.l2)
      #expect(result.rounded.samples[i].success)
      #expect(found >= minimum * 0.999, "image \(i): \(found) < minimum \(minimum)")
      #expect(found <= withMargin * 1.05, "image \(i): \(found) vs \(withMargin)")
    }
  }

  @Test func keepsTheOriginalWhenNoRoundSucceeds() throws {
    // A model whose target class can never win: C&W keeps the clean image.
    let p = 12
    let model = DenseTestModel(
      weights: [Double](repeating: 0, count: 2 * p), bias: [0, -1], outputCount: 2,
      pixelCount: p, scale: 1, usesTanh: false)
    var generator = SplitMix64(seed: 2)
    let images = randomImages([1, 2, 2, 3], generator: &generator)
    let result = try CarliniWagnerL2(searchRounds: 2, steps: 5, earlyStop: false).run(
      on: model, images: images, goal: .targeted(labels: [1]))
    #expect(bitPatterns(result.adversarial) == bitPatterns(images))
    #expect(!result.rounded.samples[0].success)
    #expect(result.trace[0].map(\.run) == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
  }

  @Test(arguments: [EmbeddingIntent.dodging, .impersonation])
  func reachesEmbeddingGoals(_ intent: EmbeddingIntent) throws {
    var generator = SplitMix64(seed: 12)
    let model = DenseTestModel.embedding(dimensions: 6, pixelCount: 75, generator: &generator)
    let images = randomImages([2, 5, 5, 3], generator: &generator)
    let clean = model.outputs(for: images)
    let goal: AttackGoal
    if intent == .dodging {
      goal = .dodging(threshold: 0.2, margin: 0.05)
    } else {
      let swapped = Tensor(
        shape: [2, 6], scalars: Array(clean.scalars[6...] + clean.scalars[..<6]))
      goal = .impersonation(targets: swapped, threshold: 0.3, margin: 0.05)
    }
    let result = try CarliniWagnerL2(searchRounds: 3, steps: 100, learningRate: 0.05).run(
      on: model, images: images, goal: goal)
    #expect(result.rounded.successes == [true, true])
    #expect(result.notes.count == (intent == .dodging ? 1 : 0))
  }
}
