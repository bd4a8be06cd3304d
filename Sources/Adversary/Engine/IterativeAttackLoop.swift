import FaceTensor

/// The loop every gradient attack but C&W shares; FGSM is one step of it.
///
/// From the clean image
/// (or a random point of the ball), `steps` times: forward and backward on the images still
/// being optimised, a step of the rule against the masked gradient, and the projection onto the
/// ball, the bounds and the mask. Restarts re-run the loop for the images that have not reached
/// the goal's margin and keep each image's best run.
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
  func run<Model: AttackableModel, Rule: StepRule>(
    _ setup: AttackSetup<Model>, makeRule: () -> Rule, seed: UInt64, notes: [String],
    progress: ((AttackProgress) -> Void)?
  ) -> AttackResult {
    let inputs = setup.inputs
    let n = inputs.imageCount
    let p = inputs.pixelsPerImage
    var generator = SplitMix64(seed: seed)
    // EOT draws come from their own stream, so they leave the random starts unchanged.
    var drawSeeds = SplitMix64(seed: seed ^ 0xE07_D2A5)
    var trace = [[TraceEntry]](repeating: [], count: n)
    var best = inputs.original
    var bestRank = [RunRank?](repeating: nil, count: n)
    // Per image, the model's outputs for `best` rounded to 8 bits, once a re-check computed them.
    var bestRoundedOutputs = [[Float]?](repeating: nil, count: n)
    let finished = setup.evaluator.finishedBeforeStart()
    // ε = 0 leaves every image as it is: nothing to optimise.
    var pending = constraint.epsilon > 0 ? (0..<n).filter { !finished.contains($0) } : []
    var adversarial = inputs.original
    var batch = Tensor(zeros: [0])

    for run in 0..<restarts where !pending.isEmpty {
      for i in pending {
        inputs.copyImage(i, from: inputs.original, to: &adversarial)
        if randomStart {
          inputs.withRows(of: &adversarial, sample: i) { image, original, mask in
            constraint.randomStart(image, original: original, mask: mask, generator: &generator)
          }
        }
      }
      var rule = makeRule()
      var active = pending
      for step in 0..<steps {
        // The images whose 8-bit rounding reached the margin, with its outputs.
        var stopped: [Int: [Float]] = [:]
        var meanLoss = 0.0
        let objective = setup.goal.objective
        let samples = active
        var dImages: Tensor?
        do {
          let (outputs, backward) = setup.queries.outputsWithBackward(
            of: adversarial, samples: active, buffer: &batch, drawSeed: drawSeeds.next())
          let losses = objective.losses(outputs: outputs, samples: active)
          let assessments = setup.goal.assess(outputs: outputs, samples: active)
          var candidates: [Int] = []
          for (k, i) in active.enumerated() {
            trace[i].append(
              TraceEntry(run: run, step: step, loss: losses[k], success: assessments[k].success))
            meanLoss += Double(losses[k]) / Double(active.count)
            if earlyStop && assessments[k].reachedMargin { candidates.append(i) }
          }
          let rechecks = setup.evaluator.assessRounded(adversarial, samples: candidates)
          for (i, judged) in zip(candidates, rechecks) where judged.assessment.reachedMargin {
            stopped[i] = judged.output
          }
          if stopped.count < active.count {
            dImages = backward {
              objective.lossesAndGradient(outputs: $0, samples: samples).gradient
            }
          }
        }
        for (i, output) in stopped {
          inputs.copyImage(i, from: adversarial, to: &best)
          bestRank[i] = .finished
          bestRoundedOutputs[i] = output
        }
        if var dImages {
          dImages.withUnsafeMutableBufferPointer { gradients in
            for (k, i) in active.enumerated() where stopped[i] == nil {
              let g = UnsafeMutableBufferPointer(rebasing: gradients[(k * p)..<((k + 1) * p)])
              inputs.withRows(of: &adversarial, sample: i) { image, original, mask in
                if let mask { for j in g.indices { g[j] *= mask[j] } }
                rule.step(sample: i, image: image, gradient: g)
                constraint.project(image, original: original, mask: mask)
              }
            }
          }
        }
        active.removeAll { stopped[$0] != nil }
        pending.removeAll { stopped[$0] != nil }
        progress?(
          AttackProgress(
            run: run, runs: restarts, step: step + 1, steps: steps, activeImages: active.count,
            finishedImages: n - pending.count,
            meanLoss: Float(meanLoss), adversarial: adversarial))
        if active.isEmpty { break }
      }
      // The images that ran every step: judge the last iterate on its 8-bit rounding.
      for (i, judged) in zip(active, setup.evaluator.assessRounded(adversarial, samples: active)) {
        let rank = RunRank.attempt(
          success: judged.assessment.success, reachedMargin: judged.assessment.reachedMargin,
          loss: judged.loss)
        if bestRank[i].map({ rank > $0 }) ?? true {
          inputs.copyImage(i, from: adversarial, to: &best)
          bestRank[i] = rank
          bestRoundedOutputs[i] = judged.output
        }
        if judged.assessment.reachedMargin { pending.removeAll { $0 == i } }
      }
    }
    return setup.evaluator.result(
      adversarial: best, trace: trace, notes: notes, roundedOutputs: bestRoundedOutputs)
  }
}

/// How good one run's final image is, for keeping the best over restarts: an image that stopped
/// early on reaching the margin beats any attempt; attempts rank by margin reached, then success,
/// then lower loss (all after 8-bit rounding).
enum RunRank: Comparable {
  case attempt(success: Bool, reachedMargin: Bool, loss: Float)
  case finished

  static func < (a: RunRank, b: RunRank) -> Bool {
    switch (a, b) {
    case (.finished, _): return false
    case (.attempt, .finished): return true
    case (.attempt(let s1, let m1, let l1), .attempt(let s2, let m2, let l2)):
      if m1 != m2 { return !m1 }
      if s1 != s2 { return !s1 }
      return l1 > l2
    }
  }
}
