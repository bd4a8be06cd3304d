import Adversary
import FaceTensor
import FaceTestSupport
import Testing

/// An objective and outputs at which to check its gradient, kept away from its kinks.
struct ObjectiveCase: CustomStringConvertible, Sendable {
  let name: String
  let objective: any AttackObjective
  let outputs: Tensor

  var description: String { name }

  static let rows = 3

  static var all: [ObjectiveCase] {
    var generator = SplitMix64(seed: 11)
    let logits = randomOutputs(width: 6, generator: &generator, spread: 2)
    let labels = (0..<rows).map { _ in Int(generator.next() % 6) }
    let descriptors = randomOutputs(width: 8, generator: &generator, spread: 1)
    let references = randomOutputs(width: 8, generator: &generator, spread: 1)
    var cases: [ObjectiveCase] = []
    for targeted in [false, true] {
      let kind = targeted ? "targeted" : "untargeted"
      cases.append(
        ObjectiveCase(
          name: "cross-entropy \(kind)",
          objective: CrossEntropyObjective(labels: labels, targeted: targeted), outputs: logits))
      cases.append(
        ObjectiveCase(
          name: "logit margin \(kind)",
          objective: LogitMarginObjective(labels: labels, targeted: targeted, kappa: 0.5),
          outputs: marginCaseLogits(labels: labels, targeted: targeted)))
    }
    for metric in DistanceMetric.allCases {
      for intent in [EmbeddingIntent.dodging, .impersonation] {
        cases.append(
          ObjectiveCase(
            name: "\(metric) distance \(intent)",
            objective: EmbeddingDistanceObjective(
              references: references, metric: metric, intent: intent),
            outputs: descriptors))
        // Thresholds 0.3 past the extreme distance keep every hinge active, with values small
        // enough for Float differences.
        let distances = EmbeddingDistanceObjective(
          references: references, metric: metric, intent: .impersonation
        ).losses(outputs: descriptors)
        let threshold =
          intent == .dodging ? (distances.max() ?? 0) + 0.3 : max((distances.min() ?? 0) - 0.3, 0)
        cases.append(
          ObjectiveCase(
            name: "\(metric) hinge \(intent)",
            objective: EmbeddingHingeObjective(
              references: references, metric: metric, intent: intent, threshold: threshold,
              kappa: 0.1),
            outputs: descriptors))
      }
    }
    return cases
  }

  static func randomOutputs(width: Int, generator: inout SplitMix64, spread: Float) -> Tensor {
    Tensor(
      shape: [rows, width],
      scalars: (0..<(rows * width)).map { _ in spread * Float(generator.normal()) })
  }

  /// Logits whose hinge is active (value ≥ 1) and whose strongest other class leads the next by
  /// 1.5, so that ±h never crosses a kink: the other classes are 1.5 apart, the label's logit
  /// 2 above them (untargeted) or 3 below them (targeted).
  static func marginCaseLogits(labels: [Int], targeted: Bool) -> Tensor {
    var values: [Float] = []
    for label in labels {
      var row = (0..<6).map { Float($0) * 1.5 }
      row[label] = targeted ? -3 : 7.5 + 2
      values += row
    }
    return Tensor(shape: [rows, 6], scalars: values)
  }
}

@Suite struct ObjectiveGradientTests {
  @Test(arguments: ObjectiveCase.all)
  func gradientMatchesFiniteDifferences(_ c: ObjectiveCase) {
    let (_, gradient) = c.objective.lossesAndGradient(outputs: c.outputs)
    var generator = SplitMix64(seed: 1)
    let report = checkGradient(
      c.name, ofScalar: { total(c.objective, $0) }, at: c.outputs, analytic: gradient,
      generator: &generator)
    #expect(report.passes, "\(report)")
  }

  @Test func checkerRejectsAWrongGradient() {
    let c = ObjectiveCase.all[0]
    var (_, gradient) = c.objective.lossesAndGradient(outputs: c.outputs)
    gradient = gradient * -1
    var generator = SplitMix64(seed: 1)
    let report = checkGradient(
      c.name, ofScalar: { total(c.objective, $0) }, at: c.outputs, analytic: gradient,
      generator: &generator)
    #expect(!report.passes, "\(report)")
  }

  @Test func marginCaseLogitsKeepTheHingeActive() {
    for c in ObjectiveCase.all where c.name.hasPrefix("logit margin") {
      for loss in c.objective.losses(outputs: c.outputs) { #expect(loss >= 1, "\(c.name)") }
    }
  }

  @Test func satisfiedHingesHaveZeroLossAndGradient() {
    // Class 2 leads every other logit by 3 > κ = 1.
    let logits = Tensor(shape: [1, 4], scalars: [0, 1, 4, -1])
    let targeted = LogitMarginObjective(labels: [2], targeted: true, kappa: 1)
    let (losses, gradient) = targeted.lossesAndGradient(outputs: logits)
    #expect(losses == [0])
    #expect(gradient.scalars == [0, 0, 0, 0])
    let reference = Tensor(shape: [1, 2], scalars: [0, 0])
    let dodging = EmbeddingHingeObjective(
      references: reference, metric: .euclidean, intent: .dodging, threshold: 0.6, kappa: 0.1)
    let far = dodging.lossesAndGradient(outputs: Tensor(shape: [1, 2], scalars: [0.6, 0.8]))
    #expect(far.losses == [0])
    #expect(far.gradient.scalars == [0, 0])
  }

  @Test func crossEntropyValuesAreLogProbabilities() {
    let logits = Tensor(shape: [1, 3], scalars: [1, 2, 3])
    let logTotal = log(exp(1.0) + exp(2.0) + exp(3.0))
    let untargeted = CrossEntropyObjective(labels: [0], targeted: false).losses(outputs: logits)
    let targeted = CrossEntropyObjective(labels: [2], targeted: true).losses(outputs: logits)
    #expect(abs(Double(untargeted[0]) - (1 - logTotal)) < 1e-6)
    #expect(abs(Double(targeted[0]) - (logTotal - 3)) < 1e-6)
  }

  @Test func distancesMatchTheirDefinitions() {
    let a: [Float] = [3, 4, 0]
    let b: [Float] = [0, 0, 5]
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        #expect(DistanceMetric.euclidean.distance(from: a, to: b) == Float(50.0.squareRoot()))
        #expect(DistanceMetric.cosine.distance(from: a, to: b) == 1)
        #expect(DistanceMetric.euclidean.distance(from: a, to: a) == 0)
        #expect(abs(DistanceMetric.cosine.distance(from: a, to: a)) < 1e-7)
      }
    }
  }

  private func total(_ objective: any AttackObjective, _ outputs: Tensor) -> Double {
    objective.losses(outputs: outputs).reduce(0) { $0 + Double($1) }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
