import FaceTensor

/// One run of `CarliniWagnerL2`: per round of the binary search over c, Adam in tanh space from
/// `w₀`, then the 8-bit re-check of the round's candidates and the move of each c.
///
/// A step reads: query the model on the active images → judge them (loss, trace, candidate,
/// abort early) → the backward pass of `c · ∂hinge/∂outputs` unless every image stopped → `∂L/∂w`
/// and an Adam step on w → `x(w)`. Random draws: the dodging start noise from the generator
/// passed to `run`, one EOT draw seed per step from `drawSeeds`.
struct CarliniWagnerSearch<Model: AttackableModel> {
  private let attack: CarliniWagnerL2
  private let setup: AttackSetup<Model>
  private let objective: CarliniWagnerObjective
  /// Each round starts from `x₀` plus uniform noise of ±1 level (dodging).
  private let dodging: Bool
  private let progress: ((AttackProgress) -> Void)?
  /// Seeds for the draws of a `RandomizedAttackableModel` (EOT), one per step.
  private var drawSeeds: SplitMix64
  /// Per image, every evaluation of it, in order (`AttackResult.trace`).
  private(set) var trace: [[TraceEntry]]
  /// Per image, the Adam steps taken, over all rounds.
  private(set) var steps: [Int]
  private var constants: ConstantSearch
  private var results: SmallestPerturbations
  /// The variables w `[N · H · W · C]`.
  private var w: [Float]
  /// `x(w)` `[N, H, W, C]`.
  private var images: Tensor
  /// The gather buffer for strict subsets of the batch.
  private var batch = Tensor(zeros: [0])

  init(
    attack: CarliniWagnerL2, setup: AttackSetup<Model>, dodging: Bool, drawSeeds: SplitMix64,
    progress: ((AttackProgress) -> Void)?
  ) {
    let inputs = setup.inputs
    self.attack = attack
    self.setup = setup
    objective = CarliniWagnerObjective(hinge: setup.goal.hinge, bounds: inputs.bounds)
    self.dodging = dodging
    self.progress = progress
    self.drawSeeds = drawSeeds
    trace = [[TraceEntry]](repeating: [], count: inputs.imageCount)
    steps = [Int](repeating: 0, count: inputs.imageCount)
    constants = ConstantSearch(initial: Double(attack.initialConstant), images: inputs.imageCount)
    results = SmallestPerturbations(inputs: inputs)
    w = [Float](repeating: 0, count: inputs.imageCount * inputs.pixelsPerImage)
    images = inputs.original
  }

  /// Runs every round and returns the best images `[N, H, W, C]`: per image, the smallest
  /// perturbation that succeeded after 8-bit rounding, or the original.
  mutating func run(generator: inout SplitMix64) -> Tensor {
    let finished = setup.evaluator.finishedBeforeStart()
    results.markUnperturbed(finished)
    let todo = (0..<setup.inputs.imageCount).filter { !finished.contains($0) }
    guard !todo.isEmpty else { return results.best }
    for round in 0..<attack.searchRounds {
      for i in todo { start(i, generator: &generator) }
      runRound(round, todo: todo, finishedCount: finished.count)
      let succeeded = results.finishRound(todo: todo, evaluator: setup.evaluator)
      for i in todo { constants.update(sample: i, succeeded: succeeded.contains(i)) }
    }
    return results.best
  }

  /// Sets image `i`'s variables to `w₀` of the original (plus noise for dodging) and its pixels
  /// to `x(w₀)`.
  private mutating func start(_ i: Int, generator: inout SplitMix64) {
    let (objective, dodging, p) = (objective, dodging, setup.inputs.pixelsPerImage)
    let (lo, hi) = (objective.lowerBound, objective.lowerBound + objective.range)
    setup.inputs.withRows(of: &images, sample: i) { image, original, mask in
      w.withUnsafeMutableBufferPointer { all in
        let wRow = UnsafeMutableBufferPointer(rebasing: all[(i * p)..<((i + 1) * p)])
        for j in 0..<p {
          var x = original[j]
          if dodging && (mask?[j] ?? 1) != 0 {
            x = min(max(x + generator.uniform(-1...1), lo), hi)
          }
          wRow[j] = objective.variable(at: x)
        }
        objective.image(
          from: UnsafeBufferPointer(wRow), into: image, original: original, mask: mask)
      }
    }
  }

  /// `attack.steps` Adam steps (fewer if every image aborts early) on the images `todo`.
  private mutating func runRound(_ round: Int, todo: [Int], finishedCount: Int) {
    let inputs = setup.inputs
    var adam = AdamStep(
      learningRate: attack.learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8,
      images: inputs.imageCount, pixelsPerImage: inputs.pixelsPerImage)
    var plateau = LossPlateau(interval: max(attack.steps / 10, 1), images: inputs.imageCount)
    results.startRound()
    var active = todo
    for step in 0..<attack.steps {
      let (dImages, judgement) = gradient(
        round: round, step: step, active: active, plateau: &plateau)
      if var dImages {
        descend(along: &dImages, of: active, skipping: judgement.stopped, adam: &adam)
      }
      active.removeAll { judgement.stopped.contains($0) }
      let meanLoss = todo.reduce(0.0) { $0 + judgement.losses[$1] } / Double(todo.count)
      progress?(
        AttackProgress(
          run: round, runs: attack.searchRounds, step: step + 1, steps: attack.steps,
          activeImages: active.count, finishedImages: finishedCount, meanLoss: Float(meanLoss),
          adversarial: images))
      if active.isEmpty { break }
    }
  }

  /// Queries the model on `active` and judges the outputs.
  ///
  /// Returns `∂(c · hinge)/∂x` `[active.count, H, W, C]` unless every image stopped. The
  /// backward pass is released on return, so the step updates the images in place.
  private mutating func gradient(
    round: Int, step: Int, active: [Int], plateau: inout LossPlateau
  ) -> (dImages: Tensor?, judgement: RoundStepJudgement) {
    let (outputs, backward) = setup.queries.outputsWithBackward(
      of: images, samples: active, buffer: &batch, drawSeed: drawSeeds.next())
    let judgement = judge(outputs, round: round, step: step, active: active, plateau: &plateau)
    guard judgement.stopped.count < active.count else { return (nil, judgement) }
    let (objective, constants) = (objective, constants.values)
    let dImages = backward {
      objective.outputGradient($0, samples: active, constants: constants)
    }
    return (dImages, judgement)
  }

  /// Computes each active image's loss `L` and appends its trace entry, offers the images that
  /// reach the margin as the round's candidates, and (with early stop) stops those whose loss
  /// has stalled.
  private mutating func judge(
    _ outputs: Tensor, round: Int, step: Int, active: [Int], plateau: inout LossPlateau
  ) -> RoundStepJudgement {
    let hinges = objective.hinge.losses(outputs: outputs, samples: active)
    let assessments = setup.goal.assess(outputs: outputs, samples: active)
    var losses = [Double](repeating: 0, count: setup.inputs.imageCount)
    var stopped = Set<Int>()
    for (k, i) in active.enumerated() {
      let l2 = setup.inputs.l2Distance(of: images, sample: i)
      let loss = objective.loss(distance: l2, hinge: hinges[k], constant: constants.values[i])
      losses[i] = loss
      trace[i].append(
        TraceEntry(run: round, step: step, loss: Float(loss), success: assessments[k].success))
      if assessments[k].reachedMargin { results.offerCandidate(i, of: images, l2: l2) }
      if attack.earlyStop && plateau.stalls(sample: i, step: step, loss: loss) { stopped.insert(i) }
    }
    return RoundStepJudgement(losses: losses, stopped: stopped)
  }

  /// Takes the Adam step on w of the images `active` but those `stopped`, from their gradients
  /// `∂(c · hinge)/∂x` (`dImages`, row `k` for image `active[k]`), and sets their pixels to
  /// `x(w)`.
  private mutating func descend(
    along dImages: inout Tensor, of active: [Int], skipping stopped: Set<Int>,
    adam: inout AdamStep
  ) {
    let (objective, p) = (objective, setup.inputs.pixelsPerImage)
    dImages.withUnsafeMutableBufferPointer { gradients in
      for (k, i) in active.enumerated() where !stopped.contains(i) {
        let g = UnsafeMutableBufferPointer(rebasing: gradients[(k * p)..<((k + 1) * p)])
        setup.inputs.withRows(of: &images, sample: i) { image, original, mask in
          objective.variableGradient(
            g, image: UnsafeBufferPointer(image), original: original, mask: mask)
          w.withUnsafeMutableBufferPointer { all in
            let wRow = UnsafeMutableBufferPointer(rebasing: all[(i * p)..<((i + 1) * p)])
            adam.step(sample: i, image: wRow, gradient: g)
            objective.image(
              from: UnsafeBufferPointer(wRow), into: image, original: original, mask: mask)
          }
        }
        steps[i] += 1
      }
    }
  }
}

/// What judging one C&W step found: the loss `L` of each image (0 for those not judged) and the
/// images that abort early.
private struct RoundStepJudgement {
  let losses: [Double]
  let stopped: Set<Int>
}
