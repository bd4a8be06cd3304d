import FaceTensor

/// An adversarial attack: a value of hyper-parameters with one method that runs it.
///
/// Every attack takes images `[N, H, W, C]` in pixel levels of the model's bounds (0...255), a
/// goal, an optional mask and a seed, and returns an `AttackResult`. After every step it keeps the
/// perturbation inside its norm ball, the pixels inside the bounds, and masked-out pixels equal to
/// the original bit for bit; each image stops on its own as soon as it reaches the goal's margin
/// (judged after 8-bit rounding). The same seed gives the same bytes.
///
/// `attack.run(on: model, images: images, goal: goal)` runs any attack, an `any Attack` included,
/// with no mask, seed 0 and no progress reports (`run(on:images:goal:mask:seed:)`).
public protocol Attack: Sendable {
  /// The method, by name.
  var method: AttackMethod { get }

  /// Checks the hyper-parameters.
  /// - Throws: `AttackError` naming the rule and the value (`epsilon must be greater than or
  ///   equal to 0, got -1.0 instead`).
  func validate() throws(AttackError)

  /// Runs the attack.
  /// - Parameters:
  ///   - model: the model attacked, reached only through `AttackableModel`.
  ///   - images: `[N, H, W, C]`, every value within `model.inputBounds`.
  ///   - goal: what counts as success and what loss to minimise.
  ///   - mask: `[1 or N, H, W, 1 or C]` of 0 (keep) and 1 (may change), broadcast over the batch
  ///     and/or the channels; nil lets every pixel change.
  ///   - seed: fixes every random draw (random starts).
  ///   - progress: called after every step.
  /// - Throws: `AttackError` for bad hyper-parameters, images, labels, descriptors or mask.
  func run<Model: AttackableModel>(
    on model: Model, images: Tensor, goal: AttackGoal, mask: Tensor?, seed: UInt64,
    progress: ((AttackProgress) -> Void)?
  ) throws(AttackError) -> AttackResult
}

/// The documented defaults of the attacks.
public enum AttackDefaults {
  /// The L∞ budget: 8 levels of 0...255, that is `8/255` of the range; L2 budgets have none.
  public static let lInfinityEpsilon: Float = 8
  /// Iterations of BIM, PGD, MI-FGSM and Adam.
  public static let steps = 50
  /// The step size (and Adam's learning rate) as a fraction of ε: `ε / 4`.
  public static let stepFraction: Float = 0.25
  /// MI-FGSM's momentum μ.
  public static let momentum: Float = 1
  /// C&W: binary-search rounds over c.
  public static let searchRounds = 5
  /// C&W: the first c.
  public static let initialConstant: Float = 1
  /// C&W: Adam steps per round.
  public static let carliniWagnerSteps = 100
  /// C&W: Adam's learning rate in tanh space.
  public static let carliniWagnerLearningRate: Float = 0.01
}

/// The budget and step of an ε-bounded attack, resolved and checked.
struct PerturbationBudget {
  let epsilon: Float
  let stepSize: Float

  /// ε (default 8 levels for L∞, required for L2; at most `AttackLimits.maximumLInfinityEpsilon`
  /// for L∞) and the step (default ε/4).
  /// - Throws: `AttackError.missingL2Epsilon`, `.invalidEpsilon`, `.invalidStepSize`.
  init(epsilon: Float?, stepSize: Float?, norm: PerturbationNorm) throws(AttackError) {
    guard let epsilon = epsilon ?? (norm == .lInfinity ? AttackDefaults.lInfinityEpsilon : nil)
    else { throw AttackError.missingL2Epsilon }
    guard epsilon.isFinite, epsilon >= 0,
      norm != .lInfinity || epsilon <= AttackLimits.maximumLInfinityEpsilon
    else { throw AttackError.invalidEpsilon(epsilon) }
    let step = stepSize ?? epsilon * AttackDefaults.stepFraction
    // ε = 0 makes the default step 0: allowed, as the attack returns the input at once.
    guard step.isFinite, step > 0 || (stepSize == nil && epsilon == 0) else {
      throw AttackError.invalidStepSize(step)
    }
    self.epsilon = epsilon
    self.stepSize = step
  }
}

/// Checks a step count: `1...AttackLimits.maximumSteps`.
func checkSteps(_ steps: Int) throws(AttackError) {
  guard (1...AttackLimits.maximumSteps).contains(steps) else {
    throw AttackError.invalidSteps(steps)
  }
}

/// Whether to start from a random point: as asked, else automatically for dodging (whose loss
/// has a zero gradient at the clean image) or when `otherwise` holds; with the note to report.
func resolveRandomStart(_ asked: Bool?, goal: AttackGoal, otherwise: Bool = false) -> (
  Bool, [String]
) {
  if let asked { return (asked, []) }
  if goal.needsRandomStart {
    return (
      true,
      [
        "random start on: at the clean image the distance to the source's own descriptor has a"
          + " zero gradient, so an attack started there never moves"
      ]
    )
  }
  return (otherwise, [])
}
