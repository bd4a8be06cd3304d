import FaceTensor

/// The fast gradient sign method: one step of size ε.
///
/// Goodfellow, Shlens and Szegedy 2015:
/// `x' = clip(x − ε · sign(∇loss))` for L∞ (`x − ε · ∇/‖∇‖₂` for L2, the fast gradient method),
/// projected onto the ball, the bounds and the mask.
///
/// For an untargeted cross-entropy goal this is `x + ε · sign(∇CE)`. With a random start
/// (automatic for dodging) the step is taken from a random point of the ball and projected back.
public struct FGSM: Attack {
  /// ε in pixel levels of 0...255; nil means 8 (`8/255`) for L∞ and is refused for L2.
  public let epsilon: Float?
  /// The norm of the ball and of the step.
  public let norm: PerturbationNorm
  /// Start from a uniform random point of the ball; nil: only for dodging.
  public let randomStart: Bool?

  /// The method, by name.
  public var method: AttackMethod { .fgsm }

  /// An FGSM attack; see the properties for units and defaults.
  public init(epsilon: Float? = nil, norm: PerturbationNorm = .lInfinity, randomStart: Bool? = nil)
  {
    self.epsilon = epsilon
    self.norm = norm
    self.randomStart = randomStart
  }

  /// Checks the hyper-parameters; throws the `AttackError` a run would throw for them.
  public func validate() throws(AttackError) {
    _ = try PerturbationBudget(epsilon: epsilon, stepSize: nil, norm: norm)
  }

  /// Runs the attack (see `Attack.run(on:images:goal:mask:seed:progress:)`); the defaults are
  /// no mask, seed 0 and no progress reports.
  public func run<Model: AttackableModel>(
    on model: Model, images: Tensor, goal: AttackGoal, mask: Tensor? = nil, seed: UInt64 = 0,
    progress: ((AttackProgress) -> Void)? = nil
  ) throws(AttackError) -> AttackResult {
    let budget = try PerturbationBudget(epsilon: epsilon, stepSize: nil, norm: norm)
    let setup = try AttackSetup(model: model, images: images, goal: goal, mask: mask)
    let (start, notes) = resolveRandomStart(randomStart, goal: goal)
    let loop = IterativeAttackLoop(
      constraint: PerturbationConstraint(
        norm: norm, epsilon: budget.epsilon, bounds: setup.inputs.bounds),
      steps: 1, restarts: 1, randomStart: start, earlyStop: true)
    return loop.run(
      setup, makeRule: { SteepestDescentStep(stepSize: budget.epsilon, norm: norm) }, seed: seed,
      notes: notes, progress: progress)
  }
}
