import Adversary
import FaceTensor
import FaceTestSupport
import Testing

/// `AttackResult.steps`: the update steps each image took, as documented, against the trace and
/// against the images the progress reports show moving.
@Suite struct StepCountTests {
  @Test func fgsmTakesOneStepAndNoneForAnImageAlreadyAtTheGoal() throws {
    let (model, images) = IterativeAttackTests.setting(seed: 21, images: 3)
    let labels = IterativeAttackTests.topClasses(model.outputs(for: images))
    // Image 0 is asked for the class it already has: it needs no step.
    let targets = [labels[0], (labels[1] + 1) % 5, (labels[2] + 1) % 5]
    let result = try FGSM(epsilon: 4).run(
      on: model, images: images, goal: .targeted(labels: targets))
    #expect(result.steps == [0, 1, 1])
    #expect(result.trace.map(\.count) == [0, 1, 1])
  }

  @Test func zeroEpsilonTakesNoStep() throws {
    let (model, images) = IterativeAttackTests.setting(seed: 22, images: 2)
    let result = try PGD(epsilon: 0).run(on: model, images: images, goal: .untargeted())
    #expect(result.steps == [0, 0])
  }

  @Test(arguments: [AttackMethod.bim, .pgd, .mifgsm, .adam])
  func withoutEarlyStopEveryImageTakesEveryStep(_ method: AttackMethod) throws {
    let (model, images) = IterativeAttackTests.setting(seed: 23, images: 3)
    let configured = try method.makeAttack(
      with: AttackSettings(epsilon: 32, steps: 9, earlyStop: false))
    let result = try configured.attack.run(on: model, images: images, goal: .untargeted())
    #expect(result.steps == [9, 9, 9])
    #expect(result.trace.map(\.count) == [9, 9, 9])
  }

  /// With early stop every image of this setting stops before step 20: its last evaluation finds
  /// it done and no update follows, so it took one step fewer than it has trace entries; and the
  /// progress reports show it moving exactly that many times.
  @Test func anImageThatStopsEarlyTookOneStepFewerThanItsTraceEntries() throws {
    let (model, images) = IterativeAttackTests.setting(seed: 1)
    var previous = images
    var moves = [Int](repeating: 0, count: images.shape[0])
    let p = images.count / images.shape[0]
    let result = try BIM(epsilon: 32, steps: 20).run(
      on: model, images: images, goal: .untargeted(),
      progress: { report in
        for i in moves.indices {
          let range = (i * p)..<((i + 1) * p)
          if report.adversarial.scalars[range] != previous.scalars[range] { moves[i] += 1 }
        }
        previous = report.adversarial
      })
    #expect(result.trace.allSatisfy { $0.count < 20 }, "\(result.trace.map(\.count))")
    #expect(result.steps == result.trace.map { $0.count - 1 })
    #expect(result.steps == moves)
    #expect(result.steps.allSatisfy { $0 >= 1 })
  }

  /// Restarts add up: every run but an image's last ran out of steps and made `steps` updates.
  ///
  /// (A run that stops the image is its last.) The last run took one update fewer than its
  /// entries if it stopped the image early; with `steps` entries it may have stopped it at its
  /// last evaluation.
  @Test func restartsAddTheStepsOfEveryRun() throws {
    let (model, images) = IterativeAttackTests.setting(seed: 5)
    let steps = 5
    let result = try PGD(epsilon: 3, steps: steps, restarts: 3).run(
      on: model, images: images, goal: .untargeted())
    for (i, entries) in result.trace.enumerated() {
      let counts = (0..<3).map { r in entries.filter { $0.run == r }.count }.filter { $0 > 0 }
      let last = try #require(counts.last, "image \(i) took no step")
      #expect(counts.dropLast().allSatisfy { $0 == steps }, "image \(i): \(counts)")
      let earlier = counts.dropLast().reduce(0, +)
      let allowed = last < steps ? [last - 1] : [steps - 1, steps]
      #expect(allowed.map { earlier + $0 }.contains(result.steps[i]), "image \(i): \(counts)")
    }
    #expect(result.steps.contains { $0 > steps }, "\(result.steps): some image ran twice")
    #expect(
      zip(result.trace, result.steps).contains { $0.count > $1 }, "no image stopped early")
  }

  @Test func carliniWagnerCountsItsAdamSteps() throws {
    let (model, images) = IterativeAttackTests.setting(seed: 24, images: 2)
    let full = try CarliniWagnerL2(searchRounds: 2, steps: 6, earlyStop: false).run(
      on: model, images: images, goal: .untargeted())
    #expect(full.steps == [12, 12])
    #expect(full.trace.map(\.count) == [12, 12])
    // Abort early: a round that stops an image has fewer than 100 entries (checks fall on steps
    // 10, 20, ... 90, never the last) and no update after its last one.
    let aborting = try CarliniWagnerL2(searchRounds: 3, steps: 100).run(
      on: model, images: images, goal: .untargeted())
    for (i, entries) in aborting.trace.enumerated() {
      let expected = (0..<3).reduce(0) { total, round in
        let count = entries.filter { $0.run == round }.count
        return total + (count < 100 ? max(count - 1, 0) : count)
      }
      #expect(aborting.steps[i] == expected, "image \(i)")
    }
    #expect(aborting.steps.contains { $0 < 300 }, "\(aborting.steps): nothing aborted early")
  }
}
