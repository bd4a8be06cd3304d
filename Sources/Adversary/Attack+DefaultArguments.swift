import FaceTensor

/// The defaults of `Attack.run(on:images:goal:mask:seed:progress:)` for any attack, including an
/// `any Attack` (such as `ConfiguredAttack.attack`): no mask, seed 0, no progress reports, the
/// same defaults each attack's own `run` declares.
extension Attack {
  /// Runs the attack without progress reports; see `run(on:images:goal:mask:seed:progress:)`.
  ///
  /// `attack.run(on: model, images: images, goal: .untargeted())` attacks every pixel with seed 0.
  /// - Parameters:
  ///   - model: the model attacked.
  ///   - images: `[N, H, W, C]`, every value within `model.inputBounds` (pixel levels 0...255).
  ///   - goal: what counts as success and what loss to minimise.
  ///   - mask: `[1 or N, H, W, 1 or C]` of 0 (keep) and 1 (may change); nil lets every pixel
  ///     change.
  ///   - seed: fixes every random draw.
  /// - Throws: `AttackError` for bad hyper-parameters, images, labels, descriptors or mask.
  public func run<Model: AttackableModel>(
    on model: Model, images: Tensor, goal: AttackGoal, mask: Tensor? = nil, seed: UInt64 = 0
  ) throws(AttackError) -> AttackResult {
    try run(on: model, images: images, goal: goal, mask: mask, seed: seed, progress: nil)
  }

  /// Runs the attack, calling `progress` after every step; see
  /// `run(on:images:goal:mask:seed:progress:)` and `run(on:images:goal:mask:seed:)`.
  /// - Throws: `AttackError` for bad hyper-parameters, images, labels, descriptors or mask.
  public func run<Model: AttackableModel>(
    on model: Model, images: Tensor, goal: AttackGoal, mask: Tensor? = nil, seed: UInt64 = 0,
    progress: @escaping (AttackProgress) -> Void
  ) throws(AttackError) -> AttackResult {
    try run(
      on: model, images: images, goal: goal, mask: mask, seed: seed,
      progress: Optional(progress))
  }
}
