/// The attacks by name, as the CLI's `--method` spells them, and how common settings map onto
/// each one's hyper-parameters.
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
  public func makeAttack(with settings: AttackSettings) throws -> ConfiguredAttack {
    if self != .pgd, let restarts = settings.restarts, restarts > 1 {
      throw AttackError.meaninglessOption(
        method: self, option: "restarts",
        reason: "only pgd restarts from new random points and keeps the best run")
    }
    let norm = settings.norm ?? .lInfinity
    var notes: [String] = []
    let attack: any Attack
    switch self {
    case .fgsm:
      if let steps = settings.steps {
        notes.append("fgsm takes one step of size eps: steps \(steps) is ignored")
      }
      if let step = settings.stepSize {
        notes.append("fgsm takes one step of size eps: step size \(step) is ignored")
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
    return ConfiguredAttack(attack: attack, notes: notes)
  }
}

/// Settings common to the attacks, as the CLI collects them.
///
/// Nil means "not given": the method's default applies. Amounts are in pixel levels of 0...255 (`PixelAmount` reads
/// `8/255` as 8).
public struct AttackSettings: Sendable, Equatable {
  /// ε (`--eps`), levels.
  public var epsilon: Float?
  /// The step size α (`--step`), levels; Adam's learning rate.
  public var stepSize: Float?
  /// Iterations (`--steps`); C&W: steps per binary-search round.
  public var steps: Int?
  /// `--norm linf|l2`.
  public var norm: PerturbationNorm?
  /// `--random-start` / `--no-random-start`; nil: automatic.
  public var randomStart: Bool?
  /// `--restarts` (PGD).
  public var restarts: Int?
  /// False for `--no-early-stop`.
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

/// An attack chosen by name, with notes on the settings it ignored.
public struct ConfiguredAttack: Sendable {
  /// The configured attack; call its `run(on:images:goal:mask:seed:progress:)`.
  public let attack: any Attack
  /// One sentence per ignored setting, such as FGSM's `steps`.
  public let notes: [String]
}

extension CarliniWagnerL2 {
  /// Throws for settings C&W has no use for.
  fileprivate static func refuseMeaningless(_ settings: AttackSettings) throws {
    if settings.epsilon != nil {
      throw AttackError.meaninglessOption(
        method: .cw, option: "eps",
        reason: "Carlini-Wagner minimises the L2 norm of the perturbation instead of bounding it")
    }
    if settings.norm == .lInfinity {
      throw AttackError.meaninglessOption(
        method: .cw, option: "norm linf", reason: "this Carlini-Wagner attack minimises the L2 norm"
      )
    }
    if settings.stepSize != nil {
      throw AttackError.meaninglessOption(
        method: .cw, option: "a step size",
        reason: "its learning rate (0.01) is in tanh space, not in pixel levels")
    }
    if settings.randomStart != nil {
      throw AttackError.meaninglessOption(
        method: .cw, option: "a random start setting",
        reason: "it starts from the clean image (plus ±1 level of noise for dodging)")
    }
  }
}
