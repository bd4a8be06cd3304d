import FaceTensor

/// Carlini-Wagner L2 (Carlini & Wagner 2017): the smallest L2 perturbation that reaches the goal
/// with confidence κ = the goal's margin, found by Adam in tanh space and a binary search over
/// the trade-off constant c.
///
/// Each image `x = lo + (hi − lo) · (tanh(w) + 1) / 2` lies in the bounds by construction (masked
/// values stay the original's). Per round, `steps` Adam steps (learning rate in units of w)
/// minimise `‖(x − x₀) / (hi − lo)‖₂² + c · hinge(x)`, the distance measured as a fraction of the
/// range as torchattacks measures it on 0...1 images, and the hinge the goal's: the logit margin
/// `max(z_y − max_{j≠y} z_j + κ, 0)` (targeted: `max(max_{j≠t} z_j − z_t + κ, 0)`), or for
/// embeddings `max(T + κ − d, 0)` (dodging) and `max(d − T + κ, 0)` (impersonation). After each
/// round the image with the smallest L2 that reached the margin is re-checked after 8-bit
/// rounding; if it still succeeds it may become the best result and c is lowered (bisection),
/// otherwise c is raised (×10 until a success brackets it). The result keeps, per image, the
/// best result that still succeeds after rounding, or the original if none did.
///
/// NOTE: `w₀ = atanh((2(x₀ − lo)/(hi − lo) − 1) · (1 − 1e-6))` so that pixels at the bounds have a
/// finite w; x(w₀) differs from x₀ by at most about 1.3e-4 levels. For dodging, whose hinge has a
/// zero gradient at the clean image, each round starts from x₀ plus uniform noise of ±1 level.
public struct CarliniWagnerL2: Attack {
  /// Binary-search rounds over c (default 5).
  public let searchRounds: Int
  /// The first c (default 1).
  public let initialConstant: Float
  /// Adam steps per round (default 100).
  public let steps: Int
  /// Adam's learning rate in tanh space (default 0.01).
  public let learningRate: Float
  /// Carlini's "abort early": within a round, stop an image whose loss has not fallen by 0.01%
  /// over the last `max(steps / 10, 1)` steps.
  public let earlyStop: Bool

  /// The method, by name.
  public var method: AttackMethod { .cw }

  /// A C&W L2 attack; see the properties for units and defaults (κ is the goal's margin).
  public init(
    searchRounds: Int = AttackDefaults.searchRounds,
    initialConstant: Float = AttackDefaults.initialConstant,
    steps: Int = AttackDefaults.carliniWagnerSteps,
    learningRate: Float = AttackDefaults.carliniWagnerLearningRate, earlyStop: Bool = true
  ) {
    self.searchRounds = searchRounds
    self.initialConstant = initialConstant
    self.steps = steps
    self.learningRate = learningRate
    self.earlyStop = earlyStop
  }

  /// Checks the hyper-parameters; throws the `AttackError` a run would throw for them.
  public func validate() throws(AttackError) {
    guard searchRounds >= 1 else { throw AttackError.invalidSearchRounds(searchRounds) }
    guard initialConstant.isFinite, initialConstant > 0 else {
      throw AttackError.invalidInitialConstant(initialConstant)
    }
    try checkSteps(steps)
    guard learningRate.isFinite, learningRate > 0 else {
      throw AttackError.invalidLearningRate(learningRate)
    }
  }

  /// Runs the attack (see `Attack.run(on:images:goal:mask:seed:progress:)`); the defaults are
  /// no mask, seed 0 and no progress reports.
  public func run<Model: AttackableModel>(
    on model: Model, images: Tensor, goal: AttackGoal, mask: Tensor? = nil, seed: UInt64 = 0,
    progress: ((AttackProgress) -> Void)? = nil
  ) throws(AttackError) -> AttackResult {
    try validate()
    let setup = try AttackSetup(model: model, images: images, goal: goal, mask: mask)
    var search = CarliniWagnerSearch(attack: self, setup: setup, seed: seed, progress: progress)
    let notes =
      goal.needsRandomStart
      ? [
        "each round starts from uniform noise of ±1 level: the dodging hinge has a zero gradient"
          + " at the clean image"
      ] : []
    return setup.evaluator.result(
      adversarial: search.run(dodging: goal.needsRandomStart), trace: search.trace, notes: notes)
  }
}

/// The state of one C&W run: per image, its constant c and search bracket, the tanh-space
/// variables with their Adam moments, and the best result so far.
private struct CarliniWagnerSearch<Model: AttackableModel> {
  let attack: CarliniWagnerL2
  let setup: AttackSetup<Model>
  let progress: ((AttackProgress) -> Void)?
  var generator: SplitMix64
  /// Seeds for the draws of a `RandomizedAttackableModel` (EOT), apart from `generator`.
  var drawSeeds: SplitMix64
  var trace: [[TraceEntry]]
  /// Per image: c, and the bracket [lower, upper] (upper = 1e10 until a success).
  var constants: [Double]
  var lower: [Double]
  var upper: [Double]
  /// The best result so far and its L2 (levels), `infinity` if none.
  var best: Tensor
  var bestL2: [Double]

  init(
    attack: CarliniWagnerL2, setup: AttackSetup<Model>, seed: UInt64,
    progress: ((AttackProgress) -> Void)?
  ) {
    let n = setup.inputs.imageCount
    self.attack = attack
    self.setup = setup
    self.progress = progress
    generator = SplitMix64(seed: seed)
    drawSeeds = SplitMix64(seed: seed ^ 0xE07_D2A5)
    trace = [[TraceEntry]](repeating: [], count: n)
    constants = [Double](repeating: Double(attack.initialConstant), count: n)
    lower = [Double](repeating: 0, count: n)
    upper = [Double](repeating: 1e10, count: n)
    best = setup.inputs.original
    bestL2 = [Double](repeating: .infinity, count: n)
  }

  /// Runs every round and returns the best images.
  mutating func run(dodging: Bool) -> Tensor {
    // Locals, so that the closures below do not capture `self` while `setup` is in use.
    let setup = self.setup
    let attack = self.attack
    var generator = self.generator
    var drawSeeds = self.drawSeeds
    var trace = self.trace
    defer {
      self.generator = generator
      self.drawSeeds = drawSeeds
      self.trace = trace
    }
    let inputs = setup.inputs
    let n = inputs.imageCount
    let p = inputs.pixelsPerImage
    let lo = inputs.bounds.lowerBound
    let range = inputs.bounds.upperBound - lo
    let finished = setup.evaluator.finishedBeforeStart()
    for i in finished { bestL2[i] = 0 }
    let todo = (0..<n).filter { !finished.contains($0) }
    guard !todo.isEmpty else { return self.best }

    var w = [Float](repeating: 0, count: n * p)
    var images = inputs.original
    var candidate = inputs.original
    var batch = Tensor(zeros: [0])
    var adam = AdamStep(
      learningRate: attack.learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, images: n,
      pixelsPerImage: p)
    let checkEvery = max(attack.steps / 10, 1)

    for round in 0..<attack.searchRounds {
      // Start: w₀ (plus noise for dodging), x = x(w).
      for i in todo {
        inputs.withRows(of: &images, sample: i) { image, original, mask in
          w.withUnsafeMutableBufferPointer { all in
            let wRow = UnsafeMutableBufferPointer(rebasing: all[(i * p)..<((i + 1) * p)])
            for j in 0..<p {
              var x = original[j]
              if dodging && (mask?[j] ?? 1) != 0 {
                x = min(max(x + generator.uniform(-1...1), lo), lo + range)
              }
              let t = (2 * (Double(x) - Double(lo)) / Double(range) - 1) * (1 - 1e-6)
              wRow[j] = Float(atanh(t))
            }
            CarliniWagnerSearch.images(
              from: UnsafeBufferPointer(wRow), into: image, original: original, mask: mask, lo: lo,
              range: range)
          }
        }
      }
      adam = AdamStep(
        learningRate: attack.learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, images: n,
        pixelsPerImage: p)
      var candidateL2 = [Double](repeating: .infinity, count: n)
      var previousLoss = [Double](repeating: .infinity, count: n)
      var active = todo

      for step in 0..<attack.steps {
        var stopped = Set<Int>()
        var totals = [Double](repeating: 0, count: n)
        let constants = self.constants
        let hinge = setup.goal.hinge
        let samples = active
        var dImages: Tensor?
        do {
          let (outputs, backward) = setup.queries.outputsWithBackward(
            of: images, samples: active, buffer: &batch, drawSeed: drawSeeds.next())
          let hinges = hinge.losses(outputs: outputs, samples: active)
          let assessments = setup.goal.assess(outputs: outputs, samples: active)
          for (k, i) in active.enumerated() {
            let l2 = inputs.l2Distance(of: images, sample: i)
            let total =
              (l2 / Double(range)) * (l2 / Double(range)) + constants[i] * Double(hinges[k])
            totals[i] = total
            trace[i].append(
              TraceEntry(
                run: round, step: step, loss: Float(total), success: assessments[k].success))
            if assessments[k].reachedMargin && l2 < candidateL2[i] {
              candidateL2[i] = l2
              inputs.copyImage(i, from: images, to: &candidate)
            }
            if attack.earlyStop && step > 0 && step % checkEvery == 0 {
              if total > previousLoss[i] * 0.9999 { stopped.insert(i) }
              previousLoss[i] = total
            }
          }
          if stopped.count < active.count {
            dImages = backward { outputs in
              var gradient = hinge.lossesAndGradient(outputs: outputs, samples: samples).gradient
              let width = outputs.shape[1]
              gradient.withUnsafeMutableBufferPointer { g in
                for (k, i) in samples.enumerated() {
                  for j in (k * width)..<((k + 1) * width) { g[j] *= Float(constants[i]) }
                }
              }
              return gradient
            }
          }
        }
        if var dImages {
          dImages.withUnsafeMutableBufferPointer { gradients in
            for (k, i) in active.enumerated() where !stopped.contains(i) {
              let g = UnsafeMutableBufferPointer(rebasing: gradients[(k * p)..<((k + 1) * p)])
              inputs.withRows(of: &images, sample: i) { image, original, mask in
                w.withUnsafeMutableBufferPointer { all in
                  let wRow = UnsafeMutableBufferPointer(rebasing: all[(i * p)..<((i + 1) * p)])
                  // ∂/∂x of the distance term, then the chain rule through x(w).
                  let scale = 2 / (range * range)
                  for j in 0..<p {
                    let free: Float = (mask?[j] ?? 1) == 0 ? 0 : 1
                    let dx = g[j] + scale * (image[j] - original[j])
                    // tanh(w) recovered from x = lo + range · (tanh(w) + 1) / 2.
                    let t = 2 * (image[j] - lo) / range - 1
                    g[j] = free * dx * range / 2 * (1 - t * t)
                  }
                  adam.step(sample: i, image: wRow, gradient: g)
                  CarliniWagnerSearch.images(
                    from: UnsafeBufferPointer(wRow), into: image, original: original, mask: mask,
                    lo: lo, range: range)
                }
              }
            }
          }
        }
        active.removeAll { stopped.contains($0) }
        let meanLoss = todo.reduce(0.0) { $0 + totals[$1] } / Double(todo.count)
        self.progress?(
          AttackProgress(
            run: round, runs: attack.searchRounds, step: step + 1, steps: attack.steps,
            activeImages: active.count, finishedImages: finished.count, meanLoss: Float(meanLoss),
            adversarial: images))
        if active.isEmpty { break }
      }
      finishRound(candidate: candidate, candidateL2: candidateL2, todo: todo)
    }
    return self.best
  }

  /// Re-checks each image's round candidate after 8-bit rounding, keeps it if it succeeds with a
  /// smaller L2 than the best, and moves c: down (bisect) after a success, up otherwise.
  private mutating func finishRound(candidate: Tensor, candidateL2: [Double], todo: [Int]) {
    let found = todo.filter { candidateL2[$0].isFinite }
    var succeeded = Set<Int>()
    for (i, judged) in zip(found, setup.evaluator.assessRounded(candidate, samples: found))
    where judged.assessment.success {
      succeeded.insert(i)
      if candidateL2[i] < bestL2[i] {
        bestL2[i] = candidateL2[i]
        setup.inputs.copyImage(i, from: candidate, to: &best)
      }
    }
    for i in todo {
      if succeeded.contains(i) {
        upper[i] = min(upper[i], constants[i])
        if upper[i] < 1e9 { constants[i] = (lower[i] + upper[i]) / 2 }
      } else {
        lower[i] = max(lower[i], constants[i])
        constants[i] = upper[i] < 1e9 ? (lower[i] + upper[i]) / 2 : constants[i] * 10
      }
    }
  }

  /// `x = lo + range · (tanh(w) + 1) / 2`, clamped to the bounds; masked values stay `x₀`.
  static func images(
    from w: UnsafeBufferPointer<Float>, into image: UnsafeMutableBufferPointer<Float>,
    original: UnsafeBufferPointer<Float>, mask: UnsafeBufferPointer<Float>?, lo: Float,
    range: Float
  ) {
    for j in 0..<w.count {
      if let mask, mask[j] == 0 {
        image[j] = original[j]
      } else {
        image[j] = min(max(lo + range * (tanh(w[j]) + 1) / 2, lo), lo + range)
      }
    }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
