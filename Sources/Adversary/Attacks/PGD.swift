import FaceTensor

/// Projected gradient descent under L∞ or L2.
///
/// Madry, Makelov, Schmidt, Tsipras and Vladu 2018: from a random point of the
/// ε-ball (or the clean image), `steps` steps `x ← Π(x − α · sign(∇loss))` (L2: along
/// `∇/‖∇‖₂`), each projected onto the ball, the bounds and the mask; `restarts` runs from new
/// random points for the images not yet successful, keeping each image's best run.
///
/// Defaults: L∞, ε = 8 levels (`8/255`), 50 steps, α = ε/4, one run; a random start for dodging
/// and whenever `restarts > 1`.
public struct PGD: Attack {
  /// ε in pixel levels of 0...255; nil means 8 (`8/255`) for L∞ and is refused for L2.
  public let epsilon: Float?
  /// α in pixel levels; nil means ε/4.
  public let stepSize: Float?
  /// Iterations per run (default 50).
  public let steps: Int
  /// The norm of the ball and of the steps.
  public let norm: PerturbationNorm
  /// Start each run from a uniform random point of the ball; nil: for dodging or `restarts > 1`.
  public let randomStart: Bool?
  /// Runs (1...`AttackLimits.maximumRestarts`); the second and later run only for images that
  /// have not reached the margin.
  public let restarts: Int
  /// Stop each image once it reaches the goal's margin (after 8-bit rounding); false runs every
  /// step and keeps each run's last iterate.
  public let earlyStop: Bool

  /// The method, by name.
  public var method: AttackMethod { .pgd }

  /// A PGD attack; see the properties for units and defaults.
  public init(
    epsilon: Float? = nil, stepSize: Float? = nil, steps: Int = AttackDefaults.steps,
    norm: PerturbationNorm = .lInfinity, randomStart: Bool? = nil, restarts: Int = 1,
    earlyStop: Bool = true
  ) {
    self.epsilon = epsilon
    self.stepSize = stepSize
    self.steps = steps
    self.norm = norm
    self.randomStart = randomStart
    self.restarts = restarts
    self.earlyStop = earlyStop
  }

  /// Checks the hyper-parameters; throws the `AttackError` a run would throw for them.
  public func validate() throws(AttackError) {
    _ = try PerturbationBudget(epsilon: epsilon, stepSize: stepSize, norm: norm)
    try checkSteps(steps)
    guard (1...AttackLimits.maximumRestarts).contains(restarts) else {
      throw AttackError.invalidRestarts(restarts)
    }
    if restarts > 1 && randomStart == false {
      throw AttackError.meaninglessOption(
        method: .pgd, parameter: "restarts",
        reason: "without a random start every restart would repeat the same run")
    }
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
    let (start, notes) = resolveRandomStart(randomStart, goal: goal, otherwise: restarts > 1)
    let loop = IterativeAttackLoop(
      constraint: PerturbationConstraint(
        norm: norm, epsilon: budget.epsilon, bounds: setup.inputs.bounds),
      steps: steps, restarts: restarts, randomStart: start, earlyStop: earlyStop)
    return loop.run(
      setup, makeRule: { SteepestDescentStep(stepSize: budget.stepSize, norm: norm) }, seed: seed,
      notes: notes, progress: progress)
  }
}
