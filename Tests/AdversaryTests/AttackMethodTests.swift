import Adversary
import FaceTensor
import FaceTestSupport
import Testing

@Suite struct AttackMethodTests {
  @Test func pgdDefaultsAreLInfinityEightLevelsFiftyStepsQuarterStep() throws {
    let configured = try AttackMethod.pgd.makeAttack(with: AttackSettings())
    let pgd = try #require(configured.attack as? PGD)
    #expect(pgd.norm == .lInfinity && pgd.steps == 50 && pgd.restarts == 1)
    #expect(pgd.randomStart == nil && pgd.earlyStop)
    #expect(pgd.epsilon == nil && pgd.stepSize == nil)
    #expect(configured.epsilon == 8 && configured.norm == .lInfinity)
    #expect(configured.notes.isEmpty)
  }

  @Test func defaultBudgetIsEightLevelsAndDefaultStepAQuarterOfIt() throws {
    // From mid-range pixels, one step moves every value by ε/4 = 2; ten reach ε = 8.
    var generator = SplitMix64(seed: 4)
    let model = DenseTestModel.linearClassifier(classes: 3, pixelCount: 48, generator: &generator)
    let images = Tensor(repeating: 120, shape: [2, 4, 4, 3])
    let one = try PGD(steps: 1, earlyStop: false).run(
      on: model, images: images, goal: .untargeted())
    #expect(one.perturbation.scalars.allSatisfy { abs($0) == 2 })
    let ten = try PGD(steps: 10, earlyStop: false).run(
      on: model, images: images, goal: .untargeted())
    #expect(ten.perturbation.maxAbs() == 8)
  }

  @Test func settingsReachEveryMethod() throws {
    let settings = AttackSettings(
      epsilon: 100, stepSize: 5, steps: 7, norm: .l2, randomStart: true, earlyStop: false)
    let configuredBIM = try AttackMethod.bim.makeAttack(with: settings)
    #expect(configuredBIM.epsilon == 100 && configuredBIM.norm == .l2)
    let bim = try #require(configuredBIM.attack as? BIM)
    #expect(bim.epsilon == 100 && bim.stepSize == 5 && bim.steps == 7 && bim.norm == .l2)
    #expect(bim.randomStart == true && !bim.earlyStop)
    let mifgsm = try #require(try AttackMethod.mifgsm.makeAttack(with: settings).attack as? MIFGSM)
    #expect(mifgsm.momentum == 1 && mifgsm.steps == 7)
    let adam = try #require(try AttackMethod.adam.makeAttack(with: settings).attack as? AdamAttack)
    #expect(adam.learningRate == 5 && adam.epsilon == 100)
    let configuredCW = try AttackMethod.cw.makeAttack(with: AttackSettings(steps: 30, norm: .l2))
    #expect(configuredCW.epsilon == nil && configuredCW.norm == .l2)
    let cw = try #require(configuredCW.attack as? CarliniWagnerL2)
    #expect(cw.steps == 30 && cw.searchRounds == 5 && cw.initialConstant == 1)
    #expect(cw.learningRate == 0.01)
  }

  @Test func fgsmNotesTheStepsItIgnores() throws {
    let configured = try AttackMethod.fgsm.makeAttack(with: AttackSettings(steps: 10))
    #expect(configured.notes == ["fgsm takes one step of size epsilon: steps 10 is ignored"])
    #expect(configured.attack.method == .fgsm)
  }

  @Test func namesAreTheDocumentedOnes() {
    #expect(
      AttackMethod.allCases.map(\.rawValue) == ["fgsm", "bim", "pgd", "mifgsm", "adam", "cw"])
    #expect(PerturbationNorm(rawValue: "linf") == .lInfinity)
    #expect(PerturbationNorm(rawValue: "l2") == .l2)
  }
}
