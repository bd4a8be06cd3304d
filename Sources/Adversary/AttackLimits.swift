/// The largest values the attacks accept, checked by every attack's `validate()`.
///
/// A count bounds the work a run may do (each step is at least one forward and one backward pass
/// of the model) and the per-step trace it keeps; memory is never allocated in proportion to a
/// count before the steps that need it run.
public enum AttackLimits {
  /// Steps of BIM, PGD, MI-FGSM and Adam per run; C&W's Adam steps per search round.
  public static let maximumSteps = 10_000
  /// PGD runs (the first and its restarts).
  public static let maximumRestarts = 100
  /// C&W's binary-search rounds over its constant c.
  public static let maximumSearchRounds = 100
  /// The L∞ budget in pixel levels: the whole 0...255 range (an L2 budget has no upper bound).
  public static let maximumLInfinityEpsilon: Float = 255
}
