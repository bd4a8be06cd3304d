import Adversary
import FaceTensor
import FaceTestSupport
import Testing

/// A call that must fail, and the message it must fail with, verbatim.
struct ErrorCase: CustomStringConvertible, Sendable {
  let name: String
  let message: String
  let call: @Sendable () throws -> Void

  var description: String { name }

  static let model: DenseTestModel = {
    var generator = SplitMix64(seed: 1)
    return .linearClassifier(classes: 3, pixelCount: 12, generator: &generator)
  }()
  static let embedding: DenseTestModel = {
    var generator = SplitMix64(seed: 2)
    return .embedding(dimensions: 4, pixelCount: 12, generator: &generator)
  }()
  static let images = Tensor(repeating: 100, shape: [2, 2, 2, 3])

  static func run(
    _ attack: any Attack, goal: AttackGoal = .untargeted(), images: Tensor = images,
    mask: Tensor? = nil, model: DenseTestModel = model
  ) throws {
    _ = try attack.run(on: model, images: images, goal: goal, mask: mask, seed: 0, progress: nil)
  }

  static let all: [ErrorCase] = [
    ErrorCase(
      name: "negative eps", message: "epsilon must be greater than or equal to 0, got -1.0 instead",
      call: { try run(PGD(epsilon: -1)) }),
    ErrorCase(
      name: "infinite eps", message: "epsilon must be finite, got inf instead",
      call: { try run(FGSM(epsilon: .infinity)) }),
    ErrorCase(
      name: "linf eps above the range",
      message: "epsilon must be at most 255 levels (the whole 0...255 range) for linf, got"
        + " 256.0 instead",
      call: { try run(PGD(epsilon: 256)) }),
    ErrorCase(
      name: "linf eps above the range, from settings",
      message: "epsilon must be at most 255 levels (the whole 0...255 range) for linf, got"
        + " 300.0 instead",
      call: { _ = try AttackMethod.fgsm.makeAttack(with: AttackSettings(epsilon: 300)) }),
    ErrorCase(
      name: "L2 without eps",
      message: "an L2 attack needs epsilon (the Euclidean norm of the perturbation in pixel levels"
        + " of 0...255); there is no default",
      call: { try run(PGD(norm: .l2)) }),
    ErrorCase(
      name: "zero step", message: "stepSize must be greater than 0, got 0.0 instead",
      call: { try run(BIM(epsilon: 8, stepSize: 0)) }),
    ErrorCase(
      name: "zero steps", message: "steps must be greater than or equal to 1, got 0 instead",
      call: { try run(PGD(steps: 0)) }),
    ErrorCase(
      name: "too many steps", message: "steps must be at most 10000, got 10001 instead",
      call: { try run(PGD(steps: 10_001)) }),
    ErrorCase(
      name: "too many cw steps", message: "steps must be at most 10000, got 20000 instead",
      call: { _ = try AttackMethod.cw.makeAttack(with: AttackSettings(steps: 20_000)) }),
    ErrorCase(
      name: "too many restarts", message: "restarts must be at most 100, got 101 instead",
      call: { try run(PGD(restarts: 101)) }),
    ErrorCase(
      name: "too many cw rounds", message: "searchRounds must be at most 100, got 1000000 instead",
      call: { try run(CarliniWagnerL2(searchRounds: 1_000_000)) }),
    ErrorCase(
      name: "zero restarts", message: "restarts must be greater than or equal to 1, got 0 instead",
      call: { try run(PGD(restarts: 0)) }),
    ErrorCase(
      name: "restarts without random start",
      message: "pgd does not take restarts: without a random start every restart would repeat"
        + " the same run",
      call: { try run(PGD(randomStart: false, restarts: 3)) }),
    ErrorCase(
      name: "negative momentum",
      message: "momentum must be greater than or equal to 0, got -0.5 instead",
      call: { try run(MIFGSM(momentum: -0.5)) }),
    ErrorCase(
      name: "adam learning rate", message: "learningRate must be greater than 0, got -2.0 instead",
      call: { try run(AdamAttack(learningRate: -2)) }),
    ErrorCase(
      name: "cw rounds",
      message: "searchRounds must be greater than or equal to 1, got 0 instead",
      call: { try run(CarliniWagnerL2(searchRounds: 0)) }),
    ErrorCase(
      name: "cw constant", message: "initialConstant must be greater than 0, got 0.0 instead",
      call: { try run(CarliniWagnerL2(initialConstant: 0)) }),
    ErrorCase(
      name: "image rank",
      message: "images must have shape [N, H, W, C] with N, H, W, C >= 1, got [2, 12] instead",
      call: { try run(FGSM(), images: Tensor(zeros: [2, 12])) }),
    ErrorCase(
      name: "empty batch",
      message: "images must have shape [N, H, W, C] with N, H, W, C >= 1, got [0, 2, 2, 3] instead",
      call: { try run(FGSM(), images: Tensor(zeros: [0, 2, 2, 3])) }),
    ErrorCase(
      name: "out of bounds",
      message:
        "images must lie within the model's input bounds 0.0...255.0, got values in -3.0...256.0",
      call: {
        var images = ErrorCase.images
        images[0, 0, 0, 0] = -3
        images[1, 1, 1, 2] = 256
        try run(FGSM(), images: images)
      }),
    ErrorCase(
      name: "label count", message: "labels must give one class per image: 2 images, got 3 labels",
      call: { try run(PGD(), goal: .targeted(labels: [0, 1, 2])) }),
    ErrorCase(
      name: "label range",
      message: "label 7 is out of range for a model with 3 classes (0..<3)",
      call: { try run(PGD(), goal: .untargeted(labels: [0, 7])) }),
    ErrorCase(
      name: "negative margin",
      message: "margin must be greater than or equal to 0, got -0.1 instead",
      call: { try run(PGD(), goal: .untargeted(margin: -0.1)) }),
    ErrorCase(
      name: "negative threshold",
      message: "threshold must be greater than or equal to 0, got -0.6 instead",
      call: { try run(PGD(), goal: .dodging(threshold: -0.6), model: embedding) }),
    ErrorCase(
      name: "descriptor shape",
      message: "reference descriptors must have shape [2, 4], got [3, 4] instead",
      call: {
        try run(PGD(), goal: .impersonation(targets: Tensor(zeros: [3, 4])), model: embedding)
      }),
    ErrorCase(
      name: "mask shape",
      message:
        "mask of shape [1, 3, 2, 1] does not fit images [2, 2, 2, 3]: use [N or 1, H, W, C or 1]",
      call: { try run(PGD(), mask: Tensor(zeros: [1, 3, 2, 1])) }),
    ErrorCase(
      name: "mask value", message: "mask values must be 0 (keep) or 1 (may change), got 0.5",
      call: { try run(PGD(), mask: Tensor(repeating: 0.5, shape: [1, 2, 2, 1])) }),
    ErrorCase(
      name: "fgsm restarts",
      message: "fgsm does not take restarts: only pgd restarts from new random points and keeps"
        + " the best run",
      call: { _ = try AttackMethod.fgsm.makeAttack(with: AttackSettings(restarts: 4)) }),
    ErrorCase(
      name: "cw linf",
      message: "cw does not take norm: this Carlini-Wagner attack minimises the L2 norm, not linf",
      call: { _ = try AttackMethod.cw.makeAttack(with: AttackSettings(norm: .lInfinity)) }),
    ErrorCase(
      name: "cw eps",
      message: "cw does not take epsilon: Carlini-Wagner minimises the L2 norm of the perturbation"
        + " instead of bounding it",
      call: { _ = try AttackMethod.cw.makeAttack(with: AttackSettings(epsilon: 8)) }),
  ]
}

@Suite struct AttackErrorTests {
  @Test(arguments: ErrorCase.all)
  func failsWithItsDocumentedMessage(_ c: ErrorCase) {
    do {
      try c.call()
      Issue.record("\(c.name): no error thrown")
    } catch let error as AttackError {
      #expect(error.description == c.message)
    } catch {
      Issue.record("\(c.name): unexpected error \(error)")
    }
  }

  @Test func validateReportsTheSameErrorBeforeAnyModelCall() {
    #expect(throws: AttackError.invalidEpsilon(-1)) { try PGD(epsilon: -1).validate() }
    #expect(throws: AttackError.missingL2Epsilon) { try FGSM(norm: .l2).validate() }
    #expect(throws: AttackError.invalidSteps(0)) { try AdamAttack(steps: 0).validate() }
  }

  @Test func limitsAreInclusiveAndAnL2BudgetHasNoUpperBound() throws {
    try PGD(epsilon: 255, steps: AttackLimits.maximumSteps, restarts: AttackLimits.maximumRestarts)
      .validate()
    try CarliniWagnerL2(searchRounds: AttackLimits.maximumSearchRounds).validate()
    try PGD(epsilon: 5_000, norm: .l2).validate()
    #expect(throws: AttackError.invalidEpsilon(255.5)) { try BIM(epsilon: 255.5).validate() }
  }

  @Test func errorsNameTheirParameterSoAFrontEndCanSayItItsOwnWay() {
    let epsilon = AttackError.invalidEpsilon(-1)
    #expect(epsilon.parameter == "epsilon")
    #expect(
      epsilon.message(naming: "--eps")
        == "--eps must be greater than or equal to 0, got -1.0 instead")
    let restarts = AttackError.meaninglessOption(method: .bim, parameter: "restarts", reason: "r")
    #expect(restarts.parameter == "restarts")
    #expect(restarts.message(naming: "--restarts") == "bim does not take --restarts: r")
    let mask = AttackError.invalidMaskValue(0.5)
    #expect(mask.parameter == nil && mask.message(naming: "--mask") == mask.description)
  }
}
