import FaceTensor

/// The basic iterative method, I-FGSM.
///
/// Kurakin, Goodfellow and Bengio 2017: `steps` FGSM steps of size α from the
/// clean image, `x ← Π(x − α · sign(∇loss))`, each projected onto the ε-ball, the bounds and the
/// mask (L2: steps along `∇/‖∇‖₂`). Each image stops when it reaches the goal's margin.
public struct BIM: Attack {
  /// ε in pixel levels of 0...255; nil means 8 (`8/255`) for L∞ and is refused for L2.
  public let epsilon: Float?
  /// α in pixel levels; nil means ε/4.
  public let stepSize: Float?
  /// Iterations (default 50).
  public let steps: Int
  /// The norm of the ball and of the steps.
  public let norm: PerturbationNorm
  /// Start from a uniform random point of the ball; nil: only for dodging (whose gradient at the
  /// clean image is zero).
  public let randomStart: Bool?
  /// Stop each image once it reaches the goal's margin (after 8-bit rounding); false runs every
  /// step and returns the last iterate.
  public let earlyStop: Bool

  /// The method, by name.
  public var method: AttackMethod { .bim }

  /// A BIM attack; see the properties for units and defaults.
  public init(
    epsilon: Float? = nil, stepSize: Float? = nil, steps: Int = AttackDefaults.steps,
    norm: PerturbationNorm = .lInfinity, randomStart: Bool? = nil, earlyStop: Bool = true
  ) {
    self.epsilon = epsilon
    self.stepSize = stepSize
    self.steps = steps
    self.norm = norm
    self.randomStart = randomStart
    self.earlyStop = earlyStop
  }

  /// Checks the hyper-parameters; throws the `AttackError` a run would throw for them.
  public func validate() throws(AttackError) {
    _ = try PerturbationBudget(epsilon: epsilon, stepSize: stepSize, norm: norm)
    try checkSteps(steps)
  }

  /// Runs the attack (see `Attack.run(on:images:goal:mask:seed:progress:)`); the defaults are
  /// no mask, seed 0 and no progress reports.
  public func run<Model: AttackableModel>(
    on model: Model, images: Tensor, goal: AttackGoal, mask: Tensor? = nil, seed: UInt64 = 0,
    progress: ((AttackProgress) -> Void)? = nil
  ) throws(AttackError) -> AttackResult {
    let budget = try PerturbationBudget(epsilon: epsilon, stepSize: stepSize, norm: norm)
    try checkSteps(steps)
    let setup = try AttackSetup(model: model, images: images, goal: goal, mask: mask)
    let (start, notes) = resolveRandomStart(randomStart, goal: goal)
    let loop = IterativeAttackLoop(
      constraint: PerturbationConstraint(
        norm: norm, epsilon: budget.epsilon, bounds: setup.inputs.bounds),
      steps: steps, restarts: 1, randomStart: start, earlyStop: earlyStop)
    return loop.run(
      setup, makeRule: { SteepestDescentStep(stepSize: budget.stepSize, norm: norm) }, seed: seed,
      notes: notes, progress: progress)
  }
}
