import FaceTensor

/// The loop every gradient attack but C&W shares; FGSM is one step of it.
///
/// From the clean image (or a random point of the ball), `steps` times: query the model on the
/// images still being optimised, judge and trace them, run the backward pass for those that go
/// on, take a step of the rule against the masked gradient, and project onto the ball, the
/// bounds and the mask. Restarts re-run the loop for the images that have not reached the goal's
/// margin and keep each image's best run.
///
/// Per-image state: every image stops as soon as it reaches the goal's margin, checked on the
/// image rounded to 8 bits (one extra forward pass, run only for images that reach it unrounded);
/// stopped images leave the batch the model sees. The outputs of those re-checks (and of the
/// re-check of each run's last iterate) are kept with the best images, so the result's 8-bit
/// evaluation runs the model only for images never re-checked. Buffers (the images, the gather
/// buffer, the rule's moments) live across steps; a step allocates only the model's own tensors,
/// the output gradient `[k, D]`, the trace entries and the re-checks' output rows.
struct IterativeAttackLoop {
  let constraint: PerturbationConstraint
  let steps: Int
  let restarts: Int
  let randomStart: Bool
  let earlyStop: Bool

  /// Runs the loop on `setup` with a fresh rule from `makeRule` for each run.
  ///
  /// Random starts draw from `SplitMix64(seed: seed)`, the EOT draws of each step from a stream
  /// of their own (`SplitMix64.expectationDrawSeeds(forAttackSeed:)`).
  func run<Model: AttackableModel, Rule: StepRule>(
    _ setup: AttackSetup<Model>, makeRule: () -> Rule, seed: UInt64, notes: [String],
    progress: ((AttackProgress) -> Void)?
  ) -> AttackResult {
    var generator = SplitMix64(seed: seed)
    var state = IterativeAttackState(
      loop: self, setup: setup, drawSeeds: .expectationDrawSeeds(forAttackSeed: seed),
      progress: progress)
    for run in 0..<restarts where !state.pending.isEmpty {
      state.startRun(generator: &generator)
      var rule = makeRule()
      var active = state.pending
      for step in 0..<steps {
        state.takeStep(run: run, step: step, active: &active, rule: &rule)
        if active.isEmpty { break }
      }
      state.keepLastIterates(active)
    }
    return setup.evaluator.result(
      adversarial: state.best.images, trace: state.trace, steps: state.steps, notes: notes,
      roundedOutputs: state.best.roundedOutputs)
  }
}

/// The state of one `IterativeAttackLoop.run`: the iterates, the images still pending, the trace
/// and the best image of each.
private struct IterativeAttackState<Model: AttackableModel> {
  let loop: IterativeAttackLoop
  let setup: AttackSetup<Model>
  let progress: ((AttackProgress) -> Void)?
  /// Seeds for the draws of a `RandomizedAttackableModel` (EOT), one per step.
  var drawSeeds: SplitMix64
  /// The iterates `[N, H, W, C]`.
  var adversarial: Tensor
  /// The gather buffer for strict subsets of the batch.
  var batch = Tensor(zeros: [0])
  var trace: [[TraceEntry]]
  /// Per image, the update steps taken, over all runs.
  var steps: [Int]
  var best: BestRuns
  /// The images that have not reached the goal's margin (after 8-bit rounding); ε = 0 leaves
  /// every image as it is.
  var pending: [Int]

  init(
    loop: IterativeAttackLoop, setup: AttackSetup<Model>, drawSeeds: SplitMix64,
    progress: ((AttackProgress) -> Void)?
  ) {
    let n = setup.inputs.imageCount
    self.loop = loop
    self.setup = setup
    self.progress = progress
    self.drawSeeds = drawSeeds
    adversarial = setup.inputs.original
    trace = [[TraceEntry]](repeating: [], count: n)
    steps = [Int](repeating: 0, count: n)
    best = BestRuns(inputs: setup.inputs)
    let finished = setup.evaluator.finishedBeforeStart()
    pending = loop.constraint.epsilon > 0 ? (0..<n).filter { !finished.contains($0) } : []
  }

  /// Resets the pending images to the original, or to a random point of the ball around it.
  mutating func startRun(generator: inout SplitMix64) {
    let (inputs, constraint) = (setup.inputs, loop.constraint)
    for i in pending {
      inputs.copyImage(i, from: inputs.original, to: &adversarial)
      if loop.randomStart {
        inputs.withRows(of: &adversarial, sample: i) { image, original, mask in
          constraint.randomStart(image, original: original, mask: mask, generator: &generator)
        }
      }
    }
  }

  /// One step of the images `active`; those that stop leave `active` and `pending`.
  ///
  /// Query → judge and trace → backward unless every image stopped → step.
  mutating func takeStep<Rule: StepRule>(
    run: Int, step: Int, active: inout [Int], rule: inout Rule
  ) {
    let (dImages, judgement) = gradient(run: run, step: step, active: active)
    for (i, output) in judgement.stopped {
      best.offer(i, of: adversarial, rank: .finished, roundedOutput: output)
    }
    if var dImages {
      descend(along: &dImages, of: active, skipping: judgement.stopped, rule: &rule)
    }
    active.removeAll { judgement.stopped[$0] != nil }
    pending.removeAll { judgement.stopped[$0] != nil }
    progress?(
      AttackProgress(
        run: run, runs: loop.restarts, step: step + 1, steps: loop.steps,
        activeImages: active.count, finishedImages: setup.inputs.imageCount - pending.count,
        meanLoss: Float(judgement.meanLoss), adversarial: adversarial))
  }

  /// Queries the model on `active` and judges the outputs.
  ///
  /// Returns `∂loss/∂images` `[active.count, H, W, C]` unless every image stopped. The backward
  /// pass is released on return, so the step updates the iterates in place.
  private mutating func gradient(run: Int, step: Int, active: [Int]) -> (
    dImages: Tensor?, judgement: StepJudgement
  ) {
    let (outputs, backward) = setup.queries.outputsWithBackward(
      of: adversarial, samples: active, buffer: &batch, drawSeed: drawSeeds.next())
    let judgement = judge(outputs, run: run, step: step, active: active)
    guard judgement.stopped.count < active.count else { return (nil, judgement) }
    let objective = setup.goal.objective
    let dImages = backward { objective.lossesAndGradient(outputs: $0, samples: active).gradient }
    return (dImages, judgement)
  }

  /// Appends each active image's trace entry and, with early stop, re-checks after 8-bit
  /// rounding the images whose outputs `[k, D]` reach the margin.
  private mutating func judge(_ outputs: Tensor, run: Int, step: Int, active: [Int])
    -> StepJudgement
  {
    let losses = setup.goal.objective.losses(outputs: outputs, samples: active)
    let assessments = setup.goal.assess(outputs: outputs, samples: active)
    var meanLoss = 0.0
    var candidates: [Int] = []
    for (k, i) in active.enumerated() {
      trace[i].append(
        TraceEntry(run: run, step: step, loss: losses[k], success: assessments[k].success))
      meanLoss += Double(losses[k]) / Double(active.count)
      if loop.earlyStop && assessments[k].reachedMargin { candidates.append(i) }
    }
    var stopped: [Int: [Float]] = [:]
    let rechecks = setup.evaluator.assessRounded(adversarial, samples: candidates)
    for (i, judged) in zip(candidates, rechecks) where judged.assessment.reachedMargin {
      stopped[i] = judged.output
    }
    return StepJudgement(stopped: stopped, meanLoss: meanLoss)
  }

  /// Steps the images `active` but those `stopped` against their masked gradient (`dImages`
  /// `[active.count, H, W, C]`, row `k` for image `active[k]`), then projects them.
  private mutating func descend<Rule: StepRule>(
    along dImages: inout Tensor, of active: [Int], skipping stopped: [Int: [Float]],
    rule: inout Rule
  ) {
    let (inputs, constraint, p) = (setup.inputs, loop.constraint, setup.inputs.pixelsPerImage)
    dImages.withUnsafeMutableBufferPointer { gradients in
      for (k, i) in active.enumerated() where stopped[i] == nil {
        let g = UnsafeMutableBufferPointer(rebasing: gradients[(k * p)..<((k + 1) * p)])
        inputs.withRows(of: &adversarial, sample: i) { image, original, mask in
          if let mask { for j in g.indices { g[j] *= mask[j] } }
          rule.step(sample: i, image: image, gradient: g)
          constraint.project(image, original: original, mask: mask)
        }
        steps[i] += 1
      }
    }
  }

  /// Judges each run's last iterate of the images `active` after 8-bit rounding, keeps it if it
  /// beats the image's best run, and retires the images that reached the margin.
  mutating func keepLastIterates(_ active: [Int]) {
    for (i, judged) in zip(active, setup.evaluator.assessRounded(adversarial, samples: active)) {
      let rank = RunRank.attempt(
        success: judged.assessment.success, reachedMargin: judged.assessment.reachedMargin,
        loss: judged.loss)
      best.offer(i, of: adversarial, rank: rank, roundedOutput: judged.output)
      if judged.assessment.reachedMargin { pending.removeAll { $0 == i } }
    }
  }
}

/// What judging one step found: the images whose 8-bit rounding reached the margin, with its
/// output row `[D]`, and the mean loss of the images judged.
private struct StepJudgement {
  let stopped: [Int: [Float]]
  let meanLoss: Double
}
