import FaceTensor

/// The momentum iterative FGSM.
///
/// Dong and others 2018: BIM whose steps follow a velocity
/// `v ← μ·v + ∇loss / ‖∇loss‖₁`, `x ← Π(x − α · sign(v))` (L2: along `v/‖v‖₂`), projected onto the
/// ε-ball, the bounds and the mask after every step. Each image has its own velocity.
public struct MIFGSM: Attack {
  /// ε in pixel levels of 0...255; nil means 8 (`8/255`) for L∞ and is refused for L2.
  public let epsilon: Float?
  /// α in pixel levels; nil means ε/4.
  public let stepSize: Float?
  /// Iterations (default 50).
  public let steps: Int
  /// The decay μ of the velocity (default 1.0).
  public let momentum: Float
  /// The norm of the ball and of the steps.
  public let norm: PerturbationNorm
  /// Start from a uniform random point of the ball; nil: only for dodging.
  public let randomStart: Bool?
  /// Stop each image once it reaches the goal's margin (after 8-bit rounding).
  public let earlyStop: Bool

  /// The method, by name.
  public var method: AttackMethod { .mifgsm }

  /// An MI-FGSM attack; see the properties for units and defaults.
  public init(
    epsilon: Float? = nil, stepSize: Float? = nil, steps: Int = AttackDefaults.steps,
    momentum: Float = AttackDefaults.momentum, norm: PerturbationNorm = .lInfinity,
    randomStart: Bool? = nil, earlyStop: Bool = true
  ) {
    self.epsilon = epsilon
    self.stepSize = stepSize
    self.steps = steps
    self.momentum = momentum
    self.norm = norm
    self.randomStart = randomStart
    self.earlyStop = earlyStop
  }

  /// Checks the hyper-parameters; throws the `AttackError` a run would throw for them.
  public func validate() throws(AttackError) {
    _ = try PerturbationBudget(epsilon: epsilon, stepSize: stepSize, norm: norm)
    try checkSteps(steps)
    guard momentum.isFinite, momentum >= 0 else { throw AttackError.invalidMomentum(momentum) }
  }

  /// Runs the attack (see `Attack.run(on:images:goal:mask:seed:progress:)`); the defaults are
  /// no mask, seed 0 and no progress reports.
  public func run<Model: AttackableModel>(
    on model: Model, images: Tensor, goal: AttackGoal, mask: Tensor? = nil, seed: UInt64 = 0,
    progress: ((AttackProgress) -> Void)? = nil
  ) throws(AttackError) -> AttackResult {
    try validate()
    let budget = try PerturbationBudget(epsilon: epsilon, stepSize: stepSize, norm: norm)
    let setup = try AttackSetup(model: model, images: images, goal: goal, mask: mask)
    let (start, notes) = resolveRandomStart(randomStart, goal: goal)
    let loop = IterativeAttackLoop(
      constraint: PerturbationConstraint(
        norm: norm, epsilon: budget.epsilon, bounds: setup.inputs.bounds),
      steps: steps, restarts: 1, randomStart: start, earlyStop: earlyStop)
    let (n, p) = (setup.inputs.imageCount, setup.inputs.pixelsPerImage)
    return loop.run(
      setup,
      makeRule: {
        MomentumStep(
          stepSize: budget.stepSize, norm: norm, momentum: momentum, images: n, pixelsPerImage: p)
      }, seed: seed, notes: notes, progress: progress)
  }
}
