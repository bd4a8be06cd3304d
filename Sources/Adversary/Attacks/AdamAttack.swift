import FaceTensor

/// A perturbation optimised by Adam and projected after every step.
///
/// This is the attack the seed write-up tried, done correctly. Adam's step
/// `x −= lr · m̂ / (√v̂ + 1e-8)` (moments of `∇loss`, per image, bias-corrected with each image's
/// own step count) is followed by the projection onto the ε-ball, the bounds and the mask, so the
/// budget holds at every step.
public struct AdamAttack: Attack {
  /// ε in pixel levels of 0...255; nil means 8 (`8/255`) for L∞ and is refused for L2.
  public let epsilon: Float?
  /// Adam's learning rate in pixel levels (about the first step's size per value); nil: ε/4.
  public let learningRate: Float?
  /// Iterations (default 50).
  public let steps: Int
  /// Adam's β₁ (default 0.9).
  public let beta1: Float
  /// Adam's β₂ (default 0.999).
  public let beta2: Float
  /// The norm of the ball.
  public let norm: PerturbationNorm
  /// Start from a uniform random point of the ball; nil: only for dodging.
  public let randomStart: Bool?
  /// Stop each image once it reaches the goal's margin (after 8-bit rounding).
  public let earlyStop: Bool

  /// The method, by name.
  public var method: AttackMethod { .adam }

  /// An Adam attack; see the properties for units and defaults.
  public init(
    epsilon: Float? = nil, learningRate: Float? = nil, steps: Int = AttackDefaults.steps,
    beta1: Float = 0.9, beta2: Float = 0.999, norm: PerturbationNorm = .lInfinity,
    randomStart: Bool? = nil, earlyStop: Bool = true
  ) {
    self.epsilon = epsilon
    self.learningRate = learningRate
    self.steps = steps
    self.beta1 = beta1
    self.beta2 = beta2
    self.norm = norm
    self.randomStart = randomStart
    self.earlyStop = earlyStop
  }

  /// Checks the hyper-parameters; throws the `AttackError` a run would throw for them.
  public func validate() throws(AttackError) {
    _ = try resolvedLearningRate()
    try checkSteps(steps)
  }

  /// Runs the attack (see `Attack.run(on:images:goal:mask:seed:progress:)`); the defaults are
  /// no mask, seed 0 and no progress reports.
  public func run<Model: AttackableModel>(
    on model: Model, images: Tensor, goal: AttackGoal, mask: Tensor? = nil, seed: UInt64 = 0,
    progress: ((AttackProgress) -> Void)? = nil
  ) throws(AttackError) -> AttackResult {
    try validate()
    let (epsilon, learningRate) = try resolvedLearningRate()
    let setup = try AttackSetup(model: model, images: images, goal: goal, mask: mask)
    let (start, notes) = resolveRandomStart(randomStart, goal: goal)
    let loop = IterativeAttackLoop(
      constraint: PerturbationConstraint(norm: norm, epsilon: epsilon, bounds: setup.inputs.bounds),
      steps: steps, restarts: 1, randomStart: start, earlyStop: earlyStop)
    let (n, p, beta1, beta2) = (setup.inputs.imageCount, setup.inputs.pixelsPerImage, beta1, beta2)
    return loop.run(
      setup,
      makeRule: {
        AdamStep(
          learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: 1e-8, images: n,
          pixelsPerImage: p)
      }, seed: seed, notes: notes, progress: progress)
  }

  /// ε and the learning rate (default ε/4), checked; β₁, β₂ must lie in [0, 1).
  private func resolvedLearningRate() throws(AttackError) -> (epsilon: Float, learningRate: Float) {
    let budget = try PerturbationBudget(epsilon: epsilon, stepSize: nil, norm: norm)
    if let learningRate, !(learningRate.isFinite && learningRate > 0) {
      throw AttackError.invalidLearningRate(learningRate)
    }
    precondition(
      (0..<1).contains(beta1) && (0..<1).contains(beta2),
      "[adam] betas must lie in [0, 1), got \(beta1), \(beta2)")
    return (budget.epsilon, learningRate ?? budget.stepSize)
  }
}
