import FaceTensor

/// Judges an attack's images against its goal: the 8-bit re-check that lets an image stop, the
/// clean images that need no attack, and the result's two evaluations.
///
/// Images are NHWC `[N, H, W, C]` (or the subset `samples` of them) in pixel levels of the
/// model's bounds (0...255); "rounded" means quantised to 8 bits as a saved PNG holds them
/// (`PixelRounding`).
struct AttackEvaluator<Model: AttackableModel> {
  let queries: ModelQueries<Model>
  let goal: ResolvedGoal
  /// The model's outputs for the clean images `[N, D]`.
  let cleanOutputs: Tensor

  private var inputs: AttackInputs { queries.inputs }

  /// Judges the images `samples` of `images` after rounding them to 8 bits: one forward pass.
  ///
  /// Each judgement carries the rounded image's output row `[D]`, which `result` can reuse.
  func assessRounded(_ images: Tensor, samples: [Int]) -> [(
    assessment: Assessment, loss: Float, output: [Float]
  )] {
    guard !samples.isEmpty else { return [] }
    var batch = Tensor(zeros: [0])
    var input = inputs.gather(images, samples: samples, into: &batch)
    input.withUnsafeMutableBufferPointer { PixelRounding.round($0, bounds: inputs.bounds) }
    let outputs = queries.outputs(for: input)
    let losses = goal.objective.losses(outputs: outputs, samples: samples)
    let assessments = goal.assess(outputs: outputs, samples: samples)
    let width = outputs.shape[1]
    return samples.indices.map { k in
      (assessments[k], losses[k], Array(outputs.scalars[(k * width)..<((k + 1) * width)]))
    }
  }

  /// The clean images that already reach the goal's margin, checked after 8-bit rounding: an
  /// attack leaves them unchanged.
  func finishedBeforeStart() -> Set<Int> {
    let all = Array(0..<inputs.imageCount)
    let candidates = zip(all, goal.assess(outputs: cleanOutputs, samples: all))
      .filter { $0.1.reachedMargin }.map(\.0)
    let judged = assessRounded(inputs.original, samples: candidates)
    return Set(zip(candidates, judged).filter { $0.1.assessment.reachedMargin }.map(\.0))
  }

  /// The attack's result for `adversarial` `[N, H, W, C]`: evaluated as optimised and after
  /// 8-bit rounding, with each image's `trace` and update-step count `steps`.
  ///
  /// `roundedOutputs` (empty, or one entry per image) holds the output rows `[D]` that
  /// `assessRounded` already computed for exactly an image's 8-bit rounding; the model runs on
  /// the rounded images only for the others.
  func result(
    adversarial: Tensor, trace: [[TraceEntry]], steps: [Int], notes: [String],
    roundedOutputs: [[Float]?] = []
  ) -> AttackResult {
    precondition(
      steps.count == inputs.imageCount,
      "[attack] \(steps.count) step counts for \(inputs.imageCount) images")
    return AttackResult(
      original: inputs.original, adversarial: adversarial,
      optimized: evaluate(adversarial),
      rounded: evaluate(
        PixelRounding.rounded(adversarial, bounds: inputs.bounds), knownOutputs: roundedOutputs),
      trace: trace, steps: steps, notes: notes)
  }

  /// Judges every image of `images` `[N, H, W, C]`: success, margin, loss, top-5 softmax
  /// (classification goals) and distance to the original; `knownOutputs` as in
  /// `outputs(for:known:)`.
  func evaluate(_ images: Tensor, knownOutputs: [[Float]?] = []) -> AttackEvaluation {
    let outputs = self.outputs(for: images, known: knownOutputs)
    let samples = Array(0..<inputs.imageCount)
    let losses = goal.objective.losses(outputs: outputs, samples: samples)
    let assessments = goal.assess(outputs: outputs, samples: samples)
    let metrics = PerturbationMetrics.perImage(originals: inputs.original, images: images)
    let topClasses = goal.comparesClasses ? outputs.topSoftmax(count: 5) : nil
    let evaluations = samples.map { i in
      SampleEvaluation(
        success: assessments[i].success, reachedMargin: assessments[i].reachedMargin,
        loss: losses[i],
        topClasses: topClasses?[i].map { ClassScore(label: $0.index, probability: $0.probability) }
          ?? [],
        distance: assessments[i].distance, metrics: metrics[i])
    }
    return AttackEvaluation(images: images, outputs: outputs, samples: evaluations)
  }

  /// The model's outputs `[N, D]` for `images` `[N, H, W, C]`: row `i` is `known[i]` where that
  /// is given (`known` empty, or one entry per image), else the model runs on the images without
  /// one (gathered in order; every image when `known` is empty).
  private func outputs(for images: Tensor, known: [[Float]?]) -> Tensor {
    let n = inputs.imageCount
    precondition(
      known.isEmpty || known.count == n, "[attack] \(known.count) known output rows for \(n) images"
    )
    let missing = (0..<n).filter { known.isEmpty || known[$0] == nil }
    if missing.count == n { return queries.outputs(for: images) }
    let width = cleanOutputs.shape[1]
    var values = [Float](repeating: 0, count: n * width)
    for (i, row) in known.enumerated() {
      guard let row else { continue }
      precondition(
        row.count == width, "[attack] a known output row of \(row.count) values, not \(width)")
      values.replaceSubrange((i * width)..<((i + 1) * width), with: row)
    }
    if !missing.isEmpty {
      let computed = queries.outputs(of: images, samples: missing)
      precondition(
        computed.shape[1] == width,
        "[attack] the model returned \(computed.shape[1]) outputs per image, not \(width)")
      computed.withUnsafeBufferPointer { rows in
        for (k, i) in missing.enumerated() {
          values.replaceSubrange(
            (i * width)..<((i + 1) * width), with: rows[(k * width)..<((k + 1) * width)])
        }
      }
    }
    return Tensor(shape: [n, width], scalars: values)
  }
}
