/// The attacks by name (`fgsm`, `bim`, `pgd`, `mifgsm`, `adam`, `cw`), and how common settings
/// map onto each one's hyper-parameters.
public enum AttackMethod: String, Sendable, Equatable, CaseIterable {
  case fgsm, bim, pgd, mifgsm, adam, cw

  /// The attack this method names, configured from `settings` with the documented defaults
  /// (`AttackDefaults`), and notes on settings it ignores.
  ///
  /// Mapping: `epsilon`, `stepSize` (Adam: its learning rate), `steps`, `norm`, `randomStart`,
  /// `restarts` (PGD only) and `earlyStop` go to the fields of the same meaning. FGSM ignores
  /// `steps` and `stepSize` (one step of size ε), with a note. Refused: `restarts > 1` for any
  /// method but PGD; for C&W, an `epsilon` (it minimises the L2 norm instead of bounding it), the
  /// L∞ norm, a `stepSize` (its learning rate is in tanh space) and `randomStart`.
  /// - Throws: `AttackError.meaninglessOption` for a refused combination, and the attack's own
  ///   `validate()` errors.
  public func makeAttack(with settings: AttackSettings) throws(AttackError) -> ConfiguredAttack {
    if self != .pgd, let restarts = settings.restarts, restarts > 1 {
      throw AttackError.meaninglessOption(
        method: self, parameter: "restarts",
        reason: "only pgd restarts from new random points and keeps the best run")
    }
    let norm = settings.norm ?? .lInfinity
    var notes: [String] = []
    let attack: any Attack
    switch self {
    case .fgsm:
      if let steps = settings.steps {
        notes.append("fgsm takes one step of size epsilon: steps \(steps) is ignored")
      }
      if let step = settings.stepSize {
        notes.append("fgsm takes one step of size epsilon: step size \(step) is ignored")
      }
      attack = FGSM(epsilon: settings.epsilon, norm: norm, randomStart: settings.randomStart)
    case .bim:
      attack = BIM(
        epsilon: settings.epsilon, stepSize: settings.stepSize,
        steps: settings.steps ?? AttackDefaults.steps, norm: norm,
        randomStart: settings.randomStart, earlyStop: settings.earlyStop)
    case .pgd:
      attack = PGD(
        epsilon: settings.epsilon, stepSize: settings.stepSize,
        steps: settings.steps ?? AttackDefaults.steps, norm: norm,
        randomStart: settings.randomStart, restarts: settings.restarts ?? 1,
        earlyStop: settings.earlyStop)
    case .mifgsm:
      attack = MIFGSM(
        epsilon: settings.epsilon, stepSize: settings.stepSize,
        steps: settings.steps ?? AttackDefaults.steps, norm: norm,
        randomStart: settings.randomStart, earlyStop: settings.earlyStop)
    case .adam:
      attack = AdamAttack(
        epsilon: settings.epsilon, learningRate: settings.stepSize,
        steps: settings.steps ?? AttackDefaults.steps, norm: norm,
        randomStart: settings.randomStart, earlyStop: settings.earlyStop)
    case .cw:
      try CarliniWagnerL2.refuseMeaningless(settings)
      attack = CarliniWagnerL2(
        steps: settings.steps ?? AttackDefaults.carliniWagnerSteps, earlyStop: settings.earlyStop)
    }
    try attack.validate()
    let epsilon =
      self == .cw
      ? nil
      : try PerturbationBudget(
        epsilon: settings.epsilon, stepSize: nil, norm: norm
      ).epsilon
    return ConfiguredAttack(
      attack: attack, epsilon: epsilon, norm: self == .cw ? .l2 : norm, notes: notes)
  }
}

/// Settings common to the attacks, as a front end collects them.
///
/// Nil means "not given": the method's default applies. Amounts are in pixel levels of 0...255:
/// the `8/255` of libraries working on 0...1 images is 8 here.
public struct AttackSettings: Sendable, Equatable {
  /// ε, levels.
  public var epsilon: Float?
  /// The step size α, levels; Adam's learning rate.
  public var stepSize: Float?
  /// Iterations; C&W: steps per binary-search round.
  public var steps: Int?
  /// The norm of the budget (default L∞).
  public var norm: PerturbationNorm?
  /// Start from a random point of the ball; nil: automatic (dodging, PGD restarts).
  public var randomStart: Bool?
  /// PGD runs from new random points, keeping each image's best.
  public var restarts: Int?
  /// Stop each image once it reaches the goal's margin; false runs every step.
  public var earlyStop: Bool

  /// Settings with the given values; everything unspecified is left to the method's default.
  public init(
    epsilon: Float? = nil, stepSize: Float? = nil, steps: Int? = nil,
    norm: PerturbationNorm? = nil, randomStart: Bool? = nil, restarts: Int? = nil,
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
}

/// An attack chosen by name, with its budget resolved and notes on the settings it ignored.
public struct ConfiguredAttack: Sendable {
  /// The configured attack; call its `run(on:images:goal:)` (or with a mask, seed and progress).
  public let attack: any Attack
  /// The budget ε in pixel levels of 0...255 after defaults (8 for L∞); nil for C&W, which
  /// minimises the perturbation instead of bounding it.
  public let epsilon: Float?
  /// The norm the budget (or, for C&W, the minimised size) is measured in.
  public let norm: PerturbationNorm
  /// One sentence per ignored setting, such as FGSM's `steps`.
  public let notes: [String]
}

extension CarliniWagnerL2 {
  /// Throws for settings C&W has no use for.
  fileprivate static func refuseMeaningless(_ settings: AttackSettings) throws(AttackError) {
    if settings.epsilon != nil {
      throw .meaninglessOption(
        method: .cw, parameter: "epsilon",
        reason: "Carlini-Wagner minimises the L2 norm of the perturbation instead of bounding it")
    }
    if settings.norm == .lInfinity {
      throw .meaninglessOption(
        method: .cw, parameter: "norm",
        reason: "this Carlini-Wagner attack minimises the L2 norm, not linf")
    }
    if settings.stepSize != nil {
      throw .meaninglessOption(
        method: .cw, parameter: "stepSize",
        reason: "its learning rate (0.01) is in tanh space, not in pixel levels")
    }
    if settings.randomStart != nil {
      throw .meaninglessOption(
        method: .cw, parameter: "randomStart",
        reason: "it starts from the clean image (plus ±1 level of noise for dodging)")
    }
  }
}
