import Adversary
import FaceTensor
import FaceTestSupport
import Testing

/// The hiding goal: its hinge loss and gradient, its success and margin tests, and PGD pushing
/// every score margin of a small linear "detector" below the margin.
@Suite struct HidingGoalTests {
  @Test func theLossSumsTheHingesOfTheMarginsAboveMinusKappa() {
    // κ = 0.5: 1.3 + 0.5 and 0.1 + 0.5 count; -0.7 and -2 are hidden with the margin to spare.
    let margins = Tensor(shape: [2, 3], scalars: [1.3, -0.7, 0.1, -2, -0.5, -3])
    let (losses, gradient) = HidingObjective(kappa: 0.5).lossesAndGradient(outputs: margins)
    #expect(abs(losses[0] - 2.4) < 1e-6 && losses[1] == 0, "\(losses)")
    #expect(gradient.scalars == [1, 0, 1, 0, 0, 0])
  }

  @Test func theGradientMatchesFiniteDifferences() {
    // Every m + κ at least 0.2 from the kink at 0, far more than the checker's step.
    let objective = HidingObjective(kappa: 0.5)
    let margins = Tensor(
      shape: [3, 4], scalars: [1.3, -0.7, 0.4, -2.1, 0.2, 2.5, -1.4, -0.3, -4, 0.9, 0.6, -1])
    let analytic = objective.lossesAndGradient(outputs: margins).gradient
    var generator = SplitMix64(seed: 5)
    let total = { (outputs: Tensor) in
      objective.losses(outputs: outputs).reduce(0) { $0 + Double($1) }
    }
    let report = checkGradient(
      "hiding", ofScalar: total, at: margins, analytic: analytic, generator: &generator)
    #expect(report.passes, "\(report)")
    let wrong = checkGradient(
      "hiding, wrong sign", ofScalar: total, at: margins, analytic: analytic * -1,
      generator: &generator)
    #expect(!wrong.passes, "\(wrong)")
  }

  /// One image's fixed score margins, a goal margin, and the verdict they must get.
  struct VerdictCase: Sendable, CustomStringConvertible {
    let row: [Float]
    let margin: Float
    let success: Bool
    let reached: Bool

    var description: String { "\(row) margin \(margin)" }

    static let all = [
      VerdictCase(row: [-0.5, -1], margin: 0.4, success: true, reached: true),
      VerdictCase(row: [-0.5, -1], margin: 0.6, success: true, reached: false),
      VerdictCase(row: [0.1, -1], margin: 0, success: false, reached: false),
      VerdictCase(row: [0, -1], margin: 0, success: false, reached: false),
      VerdictCase(row: [-0.5, -1e9], margin: 0.5, success: true, reached: true),
      VerdictCase(row: [], margin: 1, success: true, reached: true),
    ]
  }

  /// ε = 0 leaves the images as they are and judges the fixed outputs: success when every margin
  /// is below 0, margin reached when every one is at most −margin (padding included, and an
  /// image with no candidate at all is hidden).
  @Test(arguments: VerdictCase.all)
  func successNeedsEveryMarginBelowZero(_ c: VerdictCase) throws {
    let row = c.row
    let model = ClosureAttackModel(
      outputs: { images in Tensor(shape: [images.shape[0], row.count], scalars: row) },
      vectorJacobianProduct: { images, _ in Tensor(zeros: images.shape) })
    let images = Tensor(repeating: 100, shape: [1, 2, 2, 3])
    let result = try PGD(epsilon: 0).run(on: model, images: images, goal: .hiding(margin: c.margin))
    let sample = result.rounded.samples[0]
    #expect(sample.success == c.success && sample.reachedMargin == c.reached, "\(c)")
    #expect(sample.topClasses.isEmpty && sample.distance == nil)
  }

  @Test func pgdPushesEveryMarginBelowTheMarginAndStopsEarly() throws {
    let (model, images) = HidingGoalTests.detector(seed: 3)
    #expect(model.outputs(for: images).scalars.allSatisfy { $0 > 0 })
    let result = try PGD(epsilon: 32).run(on: model, images: images, goal: .hiding(margin: 1))
    #expect(result.rounded.samples.allSatisfy { $0.success && $0.reachedMargin })
    #expect(result.rounded.outputs.scalars.allSatisfy { $0 <= -1 }, "\(result.rounded.outputs)")
    #expect(result.trace.allSatisfy { $0.count < 50 }, "\(result.trace.map(\.count))")
    for (entries, final) in zip(result.trace, result.optimized.samples) {
      #expect(final.loss == 0 && (entries.first?.loss ?? 0) > 0)
    }
  }

  /// A model that pads its rows with `-1e9` gives the same attack: the padding is hidden, adds
  /// nothing to the loss and has no gradient.
  @Test func paddedCandidatesChangeNothing() throws {
    let (model, images) = HidingGoalTests.detector(seed: 4)
    let pad = { (outputs: Tensor) in
      let (n, k) = (outputs.shape[0], outputs.shape[1])
      var values: [Float] = []
      for i in 0..<n {
        values += outputs.scalars[(i * k)..<((i + 1) * k)]
        values += [-1e9, -1e9]
      }
      return Tensor(shape: [n, k + 2], scalars: values)
    }
    let padded = ClosureAttackModel(
      outputsWithPullback: { images in
        let (outputs, pullback) = model.outputsWithPullback(for: images)
        let k = outputs.shape[1]
        return (
          pad(outputs),
          { dPadded in
            let n = dPadded.shape[0]
            let rows = (0..<n).flatMap { i in dPadded.scalars[(i * (k + 2))..<(i * (k + 2) + k)] }
            return pullback(Tensor(shape: [n, k], scalars: rows))
          }
        )
      })
    let plain = try PGD(epsilon: 32).run(on: model, images: images, goal: .hiding(margin: 1))
    let withPadding = try PGD(epsilon: 32).run(
      on: padded, images: images, goal: .hiding(margin: 1))
    #expect(bitPatterns(plain.adversarial) == bitPatterns(withPadding.adversarial))
    #expect(plain.trace == withPadding.trace)
  }

  /// A linear "detector" with 4 candidate margins per image, all between 0.5 and 3 on the clean
  /// images: the linear classifier with its bias moved.
  static func detector(seed: UInt64) -> (DenseTestModel, Tensor) {
    var generator = SplitMix64(seed: seed)
    let linear = DenseTestModel.linearClassifier(classes: 4, pixelCount: 108, generator: &generator)
    let images = randomImages([1, 6, 6, 3], generator: &generator)
    let clean = linear.outputs(for: images).scalars
    let model = DenseTestModel(
      weights: linear.weights,
      bias: clean.indices.map { k in Double(0.5 + 0.8 * Float(k)) - Double(clean[k]) },
      outputCount: 4, pixelCount: 108, scale: linear.scale, usesTanh: false)
    return (model, images)
  }
}
