import FacePipeline
import Foundation
import Testing

/// The library decides which photo attacks are valid: every rule, the error it throws and the
/// message, without a model.
@Suite struct PhotoAttackOptionsTests {
  static let cases: [(PhotoAttackOptions, RecognizerName, PipelineError, String)] = [
    (
      PhotoAttackOptions(jpegQuality: 0), .vggface2ResNet50,
      .invalidOption(name: "jpegQuality", value: "0", rule: "in 1...100"),
      "jpegQuality must be in 1...100, got 0"
    ),
    (
      PhotoAttackOptions(eotSamples: -2), .dlibResNet,
      .invalidOption(name: "eotSamples", value: "-2", rule: ">= 0"),
      "eotSamples must be >= 0, got -2"
    ),
    (
      PhotoAttackOptions(eotSamples: 101), .dlibResNet,
      .invalidOption(name: "eotSamples", value: "101", rule: "at most 100"),
      "eotSamples must be at most 100, got 101"
    ),
    (
      PhotoAttackOptions(eotSamples: Int.max), .vggface2ResNet50,
      .invalidOption(name: "eotSamples", value: "\(Int.max)", rule: "at most 100"),
      "eotSamples must be at most 100, got \(Int.max)"
    ),
    (
      PhotoAttackOptions(settings: AttackSettings(steps: 1_000_000_000)), .vggface2ResNet50,
      .invalidAttack(.invalidSteps(1_000_000_000)),
      "steps must be at most 10000, got 1000000000 instead"
    ),
    (
      PhotoAttackOptions(faceIndex: -1), .dlibResNet,
      .invalidOption(name: "faceIndex", value: "-1", rule: ">= 0 (faces are numbered from 0)"),
      "faceIndex must be >= 0 (faces are numbered from 0), got -1"
    ),
    (
      PhotoAttackOptions(detectFaces: false, faceIndex: 1), .dlibResNet,
      .conflictingOptions(
        name: "faceIndex", other: "detectFaces",
        reason: "a face is chosen among the detected faces"),
      "faceIndex and detectFaces cannot be used together: a face is chosen among the detected "
        + "faces"
    ),
    (
      PhotoAttackOptions(margin: .nan), .dlibResNet,
      .invalidOption(name: "margin", value: "nan", rule: "a finite number >= 0"),
      "margin must be a finite number >= 0, got nan"
    ),
    (
      PhotoAttackOptions(threshold: 0.5), .vggface2SENet50,
      .optionDoesNotApply(name: "threshold", model: .vggface2SENet50),
      "threshold does not apply to vggface2-senet50, a classifier"
    ),
    (
      PhotoAttackOptions(settings: AttackSettings(epsilon: -1)), .vggfaceVGG16,
      .invalidAttack(.invalidEpsilon(-1)),
      "epsilon must be greater than or equal to 0, got -1.0 instead"
    ),
    (
      PhotoAttackOptions(method: .bim, settings: AttackSettings(restarts: 2)), .dlibResNet,
      .invalidAttack(
        .meaninglessOption(
          method: .bim, parameter: "restarts",
          reason: "only pgd restarts from new random points and keeps the best run")),
      "bim does not take restarts: only pgd restarts from new random points and keeps the best run"
    ),
  ]

  @Test(arguments: cases.indices)
  func invalidOptionsAreRefusedNamingTheParameter(_ index: Int) {
    let (options, model, error, message) = Self.cases[index]
    #expect(throws: error) { try options.validated(for: model) }
    #expect(error.description == message)
  }

  @Test func validOptionsGiveTheConfiguredAttackWithItsBudget() throws {
    let attack = try PhotoAttackOptions(threshold: 0.5).validated(for: .dlibResNet)
    #expect(attack.attack.method == .pgd && attack.epsilon == 8 && attack.norm == .lInfinity)
    let cw = try PhotoAttackOptions(method: .cw).validated(for: .vggface2ResNet50)
    #expect(cw.epsilon == nil && cw.norm == .l2)
  }

  @Test func goalsFitTheirKindOfRecognizer() throws {
    for model in RecognizerName.allCases {
      let descriptor = model.comparesDescriptors
      let goals: [PhotoAttackGoal] = [
        .untargeted, .targeted(name: "x"), .dodge, .impersonate(photo: URL(fileURLWithPath: "p")),
      ]
      for goal in goals {
        let fits = (goal == .dodge || goal.name == "impersonate") == descriptor
        if fits {
          try goal.check(fits: model)
        } else {
          #expect(throws: PipelineError.goalDoesNotFitModel(goal: goal, model: model)) {
            try goal.check(fits: model)
          }
        }
      }
    }
    #expect(
      PipelineError.goalDoesNotFitModel(goal: .dodge, model: .vggface2ResNet50).description
        == "the goal dodge does not apply to vggface2-resnet50, a classifier (it takes "
        + "untargeted or targeted)")
  }
}
