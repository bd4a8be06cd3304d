import Adversary
import FaceTensor
import FaceTestSupport
import Testing

@Suite struct IterativeAttackTests {
  static func setting(seed: UInt64, images n: Int = 6) -> (DenseTestModel, Tensor) {
    var generator = SplitMix64(seed: seed)
    let model = DenseTestModel.linearClassifier(classes: 5, pixelCount: 108, generator: &generator)
    return (model, randomImages([n, 6, 6, 3], generator: &generator))
  }

  @Test func pgdLeavesEveryCleanClassWithALargeBudget() throws {
    let (model, images) = IterativeAttackTests.setting(seed: 1)
    let result = try PGD(epsilon: 32).run(on: model, images: images, goal: .untargeted())
    #expect(result.rounded.successes.allSatisfy { $0 }, "\(result.rounded.successes)")
    // Early stop: every image stopped before the 50th step.
    #expect(result.trace.allSatisfy { $0.count < 50 }, "\(result.trace.map(\.count))")
  }

  @Test func targetedPGDReachesTheTargets() throws {
    let (model, images) = IterativeAttackTests.setting(seed: 2)
    let targets = [0, 1, 2, 3, 4, 0]
    let result = try PGD(epsilon: 48).run(
      on: model, images: images, goal: .targeted(labels: targets))
    for (sample, target) in zip(result.rounded.samples, targets) {
      #expect(sample.success)
      #expect(sample.topClasses.first?.label == target)
    }
  }

  @Test(arguments: [AttackMethod.bim, .pgd, .mifgsm, .adam])
  func theLossFallsForUntargetedAndTargetedGoals(_ method: AttackMethod) throws {
    let (model, images) = IterativeAttackTests.setting(seed: 3, images: 2)
    let configured = try method.makeAttack(
      with: AttackSettings(epsilon: 4, steps: 5, randomStart: false, earlyStop: false))
    for goal in [AttackGoal.untargeted(), .targeted(labels: [1, 3])] {
      let result = try configured.attack.run(
        on: model, images: images, goal: goal, mask: nil, seed: 0, progress: nil)
      for (entries, final) in zip(result.trace, result.optimized.samples) {
        #expect(entries.count == 5)
        #expect(final.loss < (entries.first?.loss ?? -.infinity), "\(goal)")
      }
    }
  }

  @Test func withoutEarlyStopEveryStepRuns() throws {
    let (model, images) = IterativeAttackTests.setting(seed: 1)
    let stopping = try BIM(epsilon: 32, steps: 20).run(
      on: model, images: images, goal: .untargeted())
    let running = try BIM(epsilon: 32, steps: 20, earlyStop: false).run(
      on: model, images: images, goal: .untargeted())
    #expect(stopping.trace.allSatisfy { $0.count < 20 })
    #expect(running.trace.allSatisfy { $0.count == 20 })
    #expect(running.rounded.successes.allSatisfy { $0 })
  }

  @Test func aMarginKeepsTheAttackGoingPastTheSuccessLine() throws {
    let (model, images) = IterativeAttackTests.setting(seed: 1)
    let labels = IterativeAttackTests.topClasses(model.outputs(for: images))
    let attack = BIM(epsilon: 64, stepSize: 1, steps: 200)
    let plain = try attack.run(on: model, images: images, goal: .untargeted())
    let marginal = try attack.run(on: model, images: images, goal: .untargeted(margin: 2))
    for (a, b) in zip(plain.trace, marginal.trace) { #expect(a.count <= b.count) }
    let plainLeads = IterativeAttackTests.leads(plain.rounded.outputs, away: labels)
    let marginalLeads = IterativeAttackTests.leads(marginal.rounded.outputs, away: labels)
    #expect(plainLeads.allSatisfy { $0 > 0 })
    #expect(plainLeads.contains { $0 < 2 }, "\(plainLeads)")
    #expect(marginalLeads.allSatisfy { $0 >= 2 }, "\(marginalLeads)")
    #expect(marginal.rounded.samples.allSatisfy { $0.reachedMargin })
  }

  /// `max_{j≠y} z_j − z_y` per row.
  static func leads(_ logits: Tensor, away labels: [Int]) -> [Float] {
    labels.enumerated().map { i, y in
      let others = (0..<logits.shape[1]).filter { $0 != y }.map { logits[i, $0] }
      return (others.max() ?? 0) - logits[i, y]
    }
  }

  static func topClasses(_ logits: Tensor) -> [Int] {
    (0..<logits.shape[0]).map { i in
      (0..<logits.shape[1]).max { logits[i, $0] < logits[i, $1] } ?? 0
    }
  }

  @Test(arguments: [AttackMethod.bim, .mifgsm, .adam])
  func eachImageInABatchFaresAsItWouldAlone(_ method: AttackMethod) throws {
    let (model, images) = IterativeAttackTests.setting(seed: 4, images: 3)
    let attack = try method.makeAttack(with: AttackSettings(epsilon: 6, steps: 12)).attack
    let batch = try attack.run(
      on: model, images: images, goal: .untargeted(), mask: nil, seed: 0, progress: nil)
    let p = 108
    for i in 0..<3 {
      let single = Tensor(
        shape: [1, 6, 6, 3], scalars: Array(images.scalars[(i * p)..<((i + 1) * p)]))
      let alone = try attack.run(
        on: model, images: single, goal: .untargeted(), mask: nil, seed: 0, progress: nil)
      #expect(
        bitPatterns(alone.adversarial)
          == Array(bitPatterns(batch.adversarial)[(i * p)..<((i + 1) * p)]))
      #expect(alone.trace[0] == batch.trace[i])
    }
  }

  @Test func restartsRunOnlyForImagesNotYetSuccessful() throws {
    let (model, images) = IterativeAttackTests.setting(seed: 5)
    let result = try PGD(epsilon: 3, steps: 5, restarts: 3).run(
      on: model, images: images, goal: .untargeted())
    var runCounts: [Int] = []
    for (entries, sample) in zip(result.trace, result.rounded.samples) {
      let runs = Set(entries.map(\.run)).sorted()
      #expect(runs == Array(0..<runs.count))
      if !sample.reachedMargin { #expect(runs.count == 3) }
      runCounts.append(runs.count)
    }
    // Some images finish in an early run, some need all three.
    #expect(runCounts.contains { $0 < 3 } && runCounts.contains(3), "\(runCounts)")
    #expect(result.notes.isEmpty)
  }

  @Test func dodgingNeedsItsRandomStart() throws {
    var generator = SplitMix64(seed: 6)
    let model = DenseTestModel.embedding(dimensions: 8, pixelCount: 108, generator: &generator)
    let images = randomImages([2, 6, 6, 3], generator: &generator)
    let goal = AttackGoal.dodging(threshold: 0.3)
    let stuck = try BIM(epsilon: 16, steps: 10, randomStart: false).run(
      on: model, images: images, goal: goal)
    #expect(bitPatterns(stuck.adversarial) == bitPatterns(images))
    let moving = try BIM(epsilon: 16, steps: 30).run(on: model, images: images, goal: goal)
    #expect(moving.notes.count == 1)
    #expect(moving.rounded.successes.allSatisfy { $0 })
    #expect(moving.rounded.samples.allSatisfy { ($0.distance ?? 0) > 0.3 })
  }

  @Test func impersonationPullsTheDescriptorToTheTarget() throws {
    var generator = SplitMix64(seed: 7)
    let model = DenseTestModel.embedding(dimensions: 8, pixelCount: 108, generator: &generator)
    let images = randomImages([2, 6, 6, 3], generator: &generator)
    // Targets: the clean descriptors of the images in swapped order.
    let clean = model.outputs(for: images)
    let targets = Tensor(shape: [2, 8], scalars: Array(clean.scalars[8...] + clean.scalars[..<8]))
    let goal = AttackGoal.impersonation(targets: targets, threshold: 0.2, margin: 0.05)
    let result = try PGD(epsilon: 64, stepSize: 2, steps: 100).run(
      on: model, images: images, goal: goal)
    #expect(
      result.rounded.samples.allSatisfy { $0.success && ($0.distance ?? 1) <= 0.2 },
      "\(result.rounded.samples.map { ($0.distance, $0.metrics.lInfinity) }) \(result.trace.map { $0.map(\.loss) })"
    )
  }

  @Test func imagesAlreadyAtTheGoalAreLeftAlone() throws {
    let (model, images) = IterativeAttackTests.setting(seed: 8, images: 2)
    let labels = IterativeAttackTests.topClasses(model.outputs(for: images))
    let result = try PGD(epsilon: 8).run(on: model, images: images, goal: .targeted(labels: labels))
    #expect(bitPatterns(result.adversarial) == bitPatterns(images))
    #expect(result.trace.allSatisfy { $0.isEmpty })
    #expect(result.rounded.successes == [true, true])
  }

  @Test func progressReportsEveryStep() throws {
    let (model, images) = IterativeAttackTests.setting(seed: 9, images: 2)
    var reports: [AttackProgress] = []
    _ = try MIFGSM(epsilon: 2, steps: 7, earlyStop: false).run(
      on: model, images: images, goal: .untargeted(), progress: { reports.append($0) })
    #expect(reports.map(\.step) == Array(1...7))
    #expect(reports.allSatisfy { $0.steps == 7 && $0.activeImages == 2 && $0.runs == 1 })
  }
}
