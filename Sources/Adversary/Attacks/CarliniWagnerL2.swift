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
    guard (1...AttackLimits.maximumSearchRounds).contains(searchRounds) else {
      throw AttackError.invalidSearchRounds(searchRounds)
    }
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
    var generator = SplitMix64(seed: seed)
    var search = CarliniWagnerSearch(
      attack: self, setup: setup, dodging: goal.needsRandomStart,
      drawSeeds: .expectationDrawSeeds(forAttackSeed: seed), progress: progress)
    let best = search.run(generator: &generator)
    let notes =
      goal.needsRandomStart
      ? [
        "each round starts from uniform noise of ±1 level: the dodging hinge has a zero gradient"
          + " at the clean image"
      ] : []
    return setup.evaluator.result(
      adversarial: best, trace: search.trace, steps: search.steps, notes: notes)
  }
}
