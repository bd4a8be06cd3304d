import Adversary
import FaceTensor
import FaceTestSupport
import Testing

/// `run(on:images:goal:)` on any attack, an `any Attack` included: no mask, seed 0, no progress,
/// exactly what spelling those out gives.
@Suite struct AttackDefaultArgumentsTests {
  @Test(arguments: AttackMethod.allCases)
  func anyAttackRunsWithTheDocumentedDefaults(_ method: AttackMethod) throws {
    let (model, images) = IterativeAttackTests.setting(seed: 41, images: 2)
    // A random start makes the seed matter: the defaults must use seed 0.
    let settings =
      method == .cw
      ? AttackSettings(steps: 8)
      : AttackSettings(epsilon: 6, steps: 8, randomStart: true)
    let attack: any Attack = try method.makeAttack(with: settings).attack
    let short = try attack.run(on: model, images: images, goal: .untargeted())
    let spelled = try attack.run(
      on: model, images: images, goal: .untargeted(), mask: nil, seed: 0, progress: nil)
    #expect(bitPatterns(short.adversarial) == bitPatterns(spelled.adversarial))
    #expect(short.trace == spelled.trace && short.steps == spelled.steps)
    var reports = 0
    let reported = try attack.run(
      on: model, images: images, goal: .untargeted(), progress: { _ in reports += 1 })
    #expect(bitPatterns(reported.adversarial) == bitPatterns(spelled.adversarial))
    #expect(reports >= 1)
  }

  @Test func theSeedAndMaskArePassedOn() throws {
    let (model, images) = IterativeAttackTests.setting(seed: 42, images: 2)
    let attack: any Attack = PGD(epsilon: 6, steps: 4, randomStart: true)
    var mask = Tensor(zeros: [1, 6, 6, 1])
    mask.withUnsafeMutableBufferPointer { for j in 0..<18 { $0[j] = 1 } }
    let short = try attack.run(on: model, images: images, goal: .untargeted(), mask: mask, seed: 7)
    let spelled = try PGD(epsilon: 6, steps: 4, randomStart: true).run(
      on: model, images: images, goal: .untargeted(), mask: mask, seed: 7, progress: nil)
    let other = try attack.run(on: model, images: images, goal: .untargeted(), mask: mask)
    #expect(bitPatterns(short.adversarial) == bitPatterns(spelled.adversarial))
    #expect(bitPatterns(short.adversarial) != bitPatterns(other.adversarial))
    // The bottom half of every image is masked out.
    let p = 108
    for i in 0..<2 {
      let bottom = ((i * p) + 54)..<((i + 1) * p)
      #expect(short.adversarial.scalars[bottom] == images.scalars[bottom])
    }
  }
}
