import FaceTensor
import FaceTestSupport
import Testing

@testable import Adversary

/// C&W's loss in tanh space for one masked image `[1, 3, 4, 3]`: a model, the objective around
/// its hinge, the original `x₀` (levels 40...215), a mask with zeros, a point `w` near `w₀` and a
/// constant `c = 3`.
struct TanhSpaceSetting {
  let model: DenseTestModel
  let objective: CarliniWagnerObjective
  let original: Tensor
  /// 0 for every channel of a few pixels, else 1, one value per `x` value.
  let mask: [Float]
  let w: Tensor
  let constant = 3.0

  /// A two-class linear classifier whose untargeted logit margin (κ = 10) stays active, or a tanh
  /// embedding whose impersonation hinge (threshold 0) does: no kink near `w`.
  init(hinge kind: String) {
    var generator = SplitMix64(seed: 23)
    let shape = [1, 3, 4, 3]
    original = Tensor(
      shape: shape, scalars: (0..<36).map { _ in generator.uniform(40...215).rounded() })
    mask = (0..<36).map { $0 / 3 % 5 == 2 ? 0 : 1 }
    let hinge: any AttackObjective
    if kind == "logit margin" {
      model = DenseTestModel.linearClassifier(classes: 2, pixelCount: 36, generator: &generator)
      let clean = model.outputs(for: original)
      hinge = LogitMarginObjective(
        labels: [clean[0, 0] > clean[0, 1] ? 0 : 1], targeted: false, kappa: 10)
    } else {
      model = DenseTestModel.embedding(dimensions: 4, pixelCount: 36, generator: &generator)
      let target = Tensor(shape: [1, 4], scalars: (0..<4).map { _ in generator.uniform() })
      hinge = EmbeddingHingeObjective(
        references: target, metric: .euclidean, intent: .impersonation, threshold: 0, kappa: 0.1)
    }
    let objective = CarliniWagnerObjective(hinge: hinge, bounds: 0...255)
    self.objective = objective
    let start = original.scalars.map { objective.variable(at: $0) }
    w = Tensor(shape: shape, scalars: start.map { $0 + generator.uniform(-0.6...0.6) })
  }

  /// `x(w)` `[1, 3, 4, 3]`.
  func image(at w: Tensor) -> Tensor {
    var x = original
    x.withUnsafeMutableBufferPointer { x in
      w.withUnsafeBufferPointer { w in
        original.withUnsafeBufferPointer { x0 in
          mask.withUnsafeBufferPointer { objective.image(from: w, into: x, original: x0, mask: $0) }
        }
      }
    }
    return x
  }

  /// The hinge at `x(w)`.
  func hinge(at w: Tensor) -> Float {
    objective.hinge.losses(outputs: model.outputs(for: image(at: w)), samples: [0])[0]
  }

  /// `L(w) = ‖(x(w) − x₀) / 255‖₂² + c · hinge`, the L2 distance in `Double`.
  func loss(at w: Tensor) -> Double {
    let x = image(at: w)
    let squared = zip(x.scalars, original.scalars).reduce(0.0) {
      $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1))
    }
    return objective.loss(distance: squared.squareRoot(), hinge: hinge(at: w), constant: constant)
  }

  /// `∂L/∂w` as the attack computes it: the model's pullback of the objective's output gradient
  /// (its hinge gradient scaled by `constant`), then `variableGradient`.
  func analyticGradient(constant: Double) -> Tensor {
    let x = image(at: w)
    let (outputs, pullback) = model.outputsWithPullback(for: x)
    var gradient = pullback(objective.outputGradient(outputs, samples: [0], constants: [constant]))
    gradient.withUnsafeMutableBufferPointer { g in
      x.withUnsafeBufferPointer { x in
        original.withUnsafeBufferPointer { x0 in
          mask.withUnsafeBufferPointer { m in
            objective.variableGradient(g, image: x, original: x0, mask: m)
          }
        }
      }
    }
    return gradient
  }
}

@Suite struct CarliniWagnerObjectiveTests {
  @Test(arguments: ["logit margin", "embedding hinge"])
  func gradientInTanhSpaceMatchesFiniteDifferences(_ kind: String) {
    let setting = TanhSpaceSetting(hinge: kind)
    #expect(setting.hinge(at: setting.w) >= 0.5, "the hinge must stay active near w")
    var generator = SplitMix64(seed: 4)
    let report = checkGradient(
      "C&W \(kind) in tanh space", ofScalar: { setting.loss(at: $0) }, at: setting.w,
      analytic: setting.analyticGradient(constant: setting.constant), generator: &generator)
    #expect(report.passes, "\(report)")
  }

  @Test func checkerRejectsAGradientWhoseHingeTermMissesTheConstant() {
    let setting = TanhSpaceSetting(hinge: "logit margin")
    var generator = SplitMix64(seed: 4)
    let report = checkGradient(
      "C&W without c", ofScalar: { setting.loss(at: $0) }, at: setting.w,
      analytic: setting.analyticGradient(constant: 1), generator: &generator)
    #expect(!report.passes, "\(report)")
  }

  @Test func maskedValuesStayTheOriginalsAndHaveNoGradient() {
    let setting = TanhSpaceSetting(hinge: "embedding hinge")
    let x = setting.image(at: setting.w)
    let gradient = setting.analyticGradient(constant: setting.constant)
    for j in 0..<36 where setting.mask[j] == 0 {
      #expect(x.scalars[j] == setting.original.scalars[j])
      #expect(gradient.scalars[j] == 0)
    }
    #expect(x.scalars.allSatisfy { (0...255).contains($0) })
  }
}
