import Adversary
import FaceTensor
import FaceTestSupport
import Testing

/// One random configuration: shape, model, goal, attack, budget and mask, all from one seed.
struct PropertyCase: CustomStringConvertible, Sendable {
  let seed: UInt64
  let method: AttackMethod
  let norm: PerturbationNorm

  var description: String { "\(method) \(norm.rawValue) seed \(seed)" }

  /// Every method under both norms (C&W: L2 only) over several seeds.
  static var all: [PropertyCase] {
    var cases: [PropertyCase] = []
    for seed in UInt64(1)...4 {
      for method in AttackMethod.allCases {
        for norm in PerturbationNorm.allCases where method != .cw || norm == .l2 {
          cases.append(PropertyCase(seed: seed, method: method, norm: norm))
        }
      }
    }
    return cases
  }

  /// The attack with a random ε (L∞: 1...16 levels, L2: 5...60), few steps, no early stop (so
  /// every step runs), PGD with 2 restarts.
  func attack(generator: inout SplitMix64) -> any Attack {
    let epsilon = norm == .lInfinity ? generator.uniform(1...16) : generator.uniform(5...60)
    switch method {
    case .fgsm: return FGSM(epsilon: epsilon, norm: norm)
    case .bim: return BIM(epsilon: epsilon, steps: 6, norm: norm, earlyStop: false)
    case .pgd:
      return PGD(epsilon: epsilon, steps: 4, norm: norm, restarts: 2, earlyStop: false)
    case .mifgsm: return MIFGSM(epsilon: epsilon, steps: 6, norm: norm, earlyStop: false)
    case .adam: return AdamAttack(epsilon: epsilon, steps: 6, norm: norm, earlyStop: false)
    case .cw:
      return CarliniWagnerL2(searchRounds: 2, steps: 8, learningRate: 0.05, earlyStop: false)
    }
  }

  /// The budget the attack keeps, or nil for C&W (which only keeps the bounds and mask).
  func epsilon(of attack: any Attack) -> Float? {
    switch attack {
    case let a as FGSM: return a.epsilon
    case let a as BIM: return a.epsilon
    case let a as PGD: return a.epsilon
    case let a as MIFGSM: return a.epsilon
    case let a as AdamAttack: return a.epsilon
    default: return nil
    }
  }
}

@Suite struct ConstraintPropertyTests {
  @Test(arguments: PropertyCase.all)
  func everyStepKeepsBallBoundsAndMask(_ c: PropertyCase) throws {
    let methodIndex = AttackMethod.allCases.firstIndex(of: c.method) ?? 0
    var generator = SplitMix64(seed: c.seed &* 7919 &+ UInt64(methodIndex))
    let shape = [
      1 + Int(generator.next() % 3), 1 + Int(generator.next() % 6), 1 + Int(generator.next() % 6),
      3,
    ]
    let p = shape[1] * shape[2] * shape[3]
    let images = randomImages(shape, generator: &generator)
    let (model, goal) = ConstraintPropertyTests.modelAndGoal(
      index: Int(c.seed % 4), pixelCount: p, images: shape[0], generator: &generator)
    let mask = ConstraintPropertyTests.randomMask(shape: shape, generator: &generator)
    let attack = c.attack(generator: &generator)
    let epsilon = c.epsilon(of: attack)

    var steps = 0
    var violations: [String] = []
    let check = { (adversarial: Tensor, when: String) in
      if let problem = ConstraintPropertyTests.violation(
        adversarial, original: images, mask: mask, epsilon: epsilon, norm: c.norm)
      {
        violations.append("\(when): \(problem)")
      }
    }
    let result = try attack.run(
      on: model, images: images, goal: goal, mask: mask, seed: c.seed,
      progress: { progress in
        steps += 1
        check(progress.adversarial, "step \(steps)")
      })
    check(result.adversarial, "result")
    #expect(violations.isEmpty, "\(violations.prefix(3))")
    #expect(steps > 0)
    #expect(model.log.lowest >= 0 && model.log.highest <= 255)

    let again = try attack.run(
      on: model, images: images, goal: goal, mask: mask, seed: c.seed, progress: nil)
    #expect(bitPatterns(again.adversarial) == bitPatterns(result.adversarial))
    #expect(again.trace == result.trace)
  }

  @Test func theSeedDecidesTheRandomStart() throws {
    var generator = SplitMix64(seed: 3)
    let model = DenseTestModel.linearClassifier(classes: 3, pixelCount: 48, generator: &generator)
    let images = randomImages([2, 4, 4, 3], generator: &generator)
    let attack = PGD(epsilon: 6, steps: 3, randomStart: true, earlyStop: false)
    let first = try attack.run(on: model, images: images, goal: .untargeted(), seed: 1)
    let same = try attack.run(on: model, images: images, goal: .untargeted(), seed: 1)
    let other = try attack.run(on: model, images: images, goal: .untargeted(), seed: 2)
    #expect(bitPatterns(first.adversarial) == bitPatterns(same.adversarial))
    #expect(bitPatterns(first.adversarial) != bitPatterns(other.adversarial))
  }

  @Test(arguments: [AttackMethod.fgsm, .bim, .pgd, .mifgsm, .adam])
  func zeroEpsilonReturnsTheInput(_ method: AttackMethod) throws {
    var generator = SplitMix64(seed: 21)
    let model = DenseTestModel.linearClassifier(classes: 3, pixelCount: 27, generator: &generator)
    let images = randomImages([2, 3, 3, 3], generator: &generator)
    for norm in PerturbationNorm.allCases {
      let configured = try method.makeAttack(
        with: AttackSettings(epsilon: 0, norm: norm, randomStart: true))
      let result = try configured.attack.run(
        on: model, images: images, goal: .untargeted(), mask: nil, seed: 4, progress: nil)
      #expect(bitPatterns(result.adversarial) == bitPatterns(images), "\(method) \(norm)")
    }
  }

  @Test func theL2BallHoldsAtItsBoundary() throws {
    // A budget small enough that every PGD step ends on the sphere ‖δ‖₂ = ε.
    var generator = SplitMix64(seed: 8)
    let model = DenseTestModel.linearClassifier(classes: 4, pixelCount: 192, generator: &generator)
    // Mid-range pixels, so that clipping at the bounds never shortens δ.
    let images = Tensor(
      shape: [3, 8, 8, 3], scalars: (0..<576).map { _ in Float(100 + generator.next() % 50) })
    var norms: [Double] = []
    _ = try PGD(epsilon: 3, stepSize: 2, steps: 10, norm: .l2, earlyStop: false).run(
      on: model, images: images, goal: .untargeted(), mask: nil, seed: 0,
      progress: { progress in
        // After the first step (‖δ‖₂ = 2) every step overshoots the sphere and is projected.
        if progress.step > 1 {
          norms += ConstraintPropertyTests.l2Norms(progress.adversarial - images)
        }
      })
    #expect(norms.count == 27)
    #expect(norms.allSatisfy { $0 <= 3 }, "\(norms.max() ?? 0)")
    #expect(norms.allSatisfy { $0 > 2.99 }, "\(norms.min() ?? 0)")
  }

  // MARK: - Helpers

  /// A classifier or embedding with a matching goal (untargeted CE, targeted margin, dodging,
  /// impersonation).
  static func modelAndGoal(
    index: Int, pixelCount: Int, images: Int, generator: inout SplitMix64
  ) -> (DenseTestModel, AttackGoal) {
    switch index {
    case 0:
      return (
        .linearClassifier(classes: 4, pixelCount: pixelCount, generator: &generator), .untargeted()
      )
    case 1:
      let labels = (0..<images).map { _ in Int(generator.next() % 4) }
      return (
        .linearClassifier(classes: 4, pixelCount: pixelCount, generator: &generator),
        .targeted(labels: labels, loss: .logitMargin, margin: 0.5)
      )
    case 2:
      return (
        .embedding(dimensions: 5, pixelCount: pixelCount, generator: &generator),
        .dodging(metric: .cosine, threshold: 0.05)
      )
    default:
      let targets = Tensor(
        shape: [1, 5], scalars: (0..<5).map { _ in generator.uniform(-0.5...0.5) })
      return (
        .embedding(dimensions: 5, pixelCount: pixelCount, generator: &generator),
        .impersonation(targets: targets, threshold: 0.1)
      )
    }
  }

  /// A mask freeing about two thirds of the values, shared `[1, H, W, 1]` or full `[N, H, W, C]`,
  /// or nil, each one time in three.
  static func randomMask(shape: [Int], generator: inout SplitMix64) -> Tensor? {
    let kind = generator.next() % 3
    guard kind != 0 else { return nil }
    let maskShape = kind == 1 ? [1, shape[1], shape[2], 1] : shape
    return Tensor(
      shape: maskShape,
      scalars: (0..<maskShape.reduce(1, *)).map { _ in generator.next() % 3 == 0 ? 0 : 1 })
  }

  /// What is wrong with `adversarial`, if anything: out of bounds, outside the ball (checked in
  /// Double), or a masked-out value that is not the original's bit for bit.
  static func violation(
    _ adversarial: Tensor, original: Tensor, mask: Tensor?, epsilon: Float?, norm: PerturbationNorm
  ) -> String? {
    let x = adversarial.scalars
    let x0 = original.scalars
    if let bad = x.firstIndex(where: { !($0 >= 0 && $0 <= 255) }) {
      return "value \(x[bad]) at \(bad) is out of bounds"
    }
    let (n, h, w, c) = (
      original.shape[0], original.shape[1], original.shape[2], original.shape[3]
    )
    if let mask {
      let shared = mask.shape[0] == 1 && mask.shape[3] == 1
      for i in 0..<(n * h * w * c) where mask.scalars[shared ? (i / c) % (h * w) : i] == 0 {
        if x[i].bitPattern != x0[i].bitPattern { return "masked value \(i) changed" }
      }
    }
    guard let epsilon else { return nil }
    let p = h * w * c
    for i in 0..<n {
      let deltas = (0..<p).map { Double(x[i * p + $0]) - Double(x0[i * p + $0]) }
      let size =
        norm == .lInfinity
        ? deltas.map(abs).max() ?? 0 : deltas.reduce(0) { $0 + $1 * $1 }.squareRoot()
      if size > Double(epsilon) { return "image \(i) has \(norm) norm \(size) > \(epsilon)" }
    }
    return nil
  }

  static func l2Norms(_ perturbation: Tensor) -> [Double] {
    let n = perturbation.shape[0]
    let p = perturbation.count / n
    return (0..<n).map { i in
      (0..<p).reduce(0.0) {
        $0 + Double(perturbation.scalars[i * p + $1]) * Double(perturbation.scalars[i * p + $1])
      }
      .squareRoot()
    }
  }
}
