import FaceTensor

/// What every attack call starts from: its checked inputs, the model queries on them, and the
/// evaluator holding the goal resolved against the clean outputs.
struct AttackSetup<Model: AttackableModel> {
  let inputs: AttackInputs
  let queries: ModelQueries<Model>
  let evaluator: AttackEvaluator<Model>

  /// The goal bound to this batch: references, objectives and the success test.
  var goal: ResolvedGoal { evaluator.goal }

  /// Checks the images `[N, H, W, C]` (pixel levels within `model.inputBounds`, 0...255) and the
  /// mask, runs the model once on the clean images and resolves the goal against its outputs.
  /// - Throws: `AttackError` for a bad shape, out-of-bounds pixels, mask, labels or descriptors.
  init(model: Model, images: Tensor, goal: AttackGoal, mask: Tensor?) throws(AttackError) {
    inputs = try AttackInputs(images: images, bounds: model.inputBounds, mask: mask)
    queries = ModelQueries(model: model, inputs: inputs)
    let cleanOutputs = queries.outputs(for: images)
    evaluator = AttackEvaluator(
      queries: queries, goal: try ResolvedGoal(goal: goal, cleanOutputs: cleanOutputs),
      cleanOutputs: cleanOutputs)
  }
}
