import FaceTensor

/// One attack call's checked inputs and the model queries every attack shares: forward and
/// backward on any subset of the batch, the 8-bit re-check, and the final evaluation.
struct AttackSetup<Model: AttackableModel> {
  let model: Model
  /// The clean images `[N, H, W, C]`.
  let original: Tensor
  let imageCount: Int
  /// `H · W · C`.
  let pixelsPerImage: Int
  let bounds: ClosedRange<Float>
  /// 1 where a value may change, 0 where it may not, `[N · H · W · C]`; nil without a mask.
  let mask: [Float]?
  let goal: ResolvedGoal
  /// The model's outputs for the clean images `[N, D]`.
  let cleanOutputs: Tensor

  /// Checks the images and mask, runs the model once on the clean images and resolves the goal.
  /// - Throws: `AttackError` for a bad shape, out-of-bounds pixels, mask, labels or descriptors.
  init(model: Model, images: Tensor, goal: AttackGoal, mask: Tensor?) throws(AttackError) {
    let shape = images.shape
    guard shape.count == 4, shape.allSatisfy({ $0 >= 1 }) else {
      throw AttackError.invalidImageShape(shape)
    }
    let bounds = model.inputBounds
    let found = images.withUnsafeBufferPointer { AttackSetup.range(of: $0) }
    guard found.lowerBound >= bounds.lowerBound, found.upperBound <= bounds.upperBound else {
      throw AttackError.imagesOutOfBounds(found: found, bounds: bounds)
    }
    self.model = model
    self.original = images
    self.bounds = bounds
    imageCount = shape[0]
    pixelsPerImage = shape[1] * shape[2] * shape[3]
    self.mask = try mask.map { mask throws(AttackError) in try AttackSetup.expanded(mask, to: shape)
    }
    cleanOutputs = model.outputs(for: images)
    precondition(
      cleanOutputs.rank == 2 && cleanOutputs.shape[0] == imageCount,
      "[attack] the model returned outputs \(cleanOutputs.shape) for \(imageCount) images")
    self.goal = try ResolvedGoal(goal: goal, cleanOutputs: cleanOutputs)
  }

  // MARK: - Model queries

  /// Runs the model with its pullback on the images `samples` of `images` (gathered into `buffer`
  /// when they are a strict subset), lets `seed` compute `∂loss/∂outputs` from the outputs (or
  /// return nil to skip the backward pass), and returns `∂loss/∂images` for those samples,
  /// `[samples.count, H, W, C]`.
  ///
  /// For a `RandomizedAttackableModel` with more than one draw, `seed` sees the deterministic
  /// outputs (it judges success and records the trace), and the returned gradient is the mean over
  /// `expectationSamples` draws (seeded from `drawSeed`) of the pullback of `outputGradient` at each
  /// draw's outputs.
  ///
  /// The model's pullback and the gathered input are released before this returns, so the caller
  /// can update `images` in place without a copy.
  func gradient(
    of images: Tensor, samples: [Int], buffer: inout Tensor, drawSeed: UInt64,
    outputGradient: (_ outputs: Tensor) -> Tensor,
    seed: (_ outputs: Tensor) -> Tensor?
  ) -> Tensor? {
    let input = gather(images, samples: samples, into: &buffer)
    if let randomized = model as? any RandomizedAttackableModel, randomized.expectationSamples > 1 {
      let outputs = model.outputs(for: input)
      checkOutputs(outputs, count: samples.count)
      guard seed(outputs) != nil else { return nil }
      var mean = Tensor(zeros: input.shape)
      let draws = randomized.expectationSamples
      var seeds = SplitMix64(seed: drawSeed)
      for _ in 0..<draws {
        let (drawOutputs, pullback) = randomized.outputsWithPullback(
          for: input, drawSeed: seeds.next())
        checkOutputs(drawOutputs, count: samples.count)
        let dImages = pullback(outputGradient(drawOutputs))
        checkGradient(dImages, input: input)
        mean.add(dImages, scaledBy: 1 / Float(draws))
      }
      return mean
    }
    let (outputs, pullback) = model.outputsWithPullback(for: input)
    checkOutputs(outputs, count: samples.count)
    guard let dOutputs = seed(outputs) else { return nil }
    let dImages = pullback(dOutputs)
    checkGradient(dImages, input: input)
    return dImages
  }

  private func checkOutputs(_ outputs: Tensor, count: Int) {
    precondition(
      outputs.rank == 2 && outputs.shape[0] == count,
      "[attack] the model returned outputs \(outputs.shape) for \(count) images")
  }

  private func checkGradient(_ dImages: Tensor, input: Tensor) {
    precondition(
      dImages.shape == input.shape,
      "[attack] the pullback returned \(dImages.shape) for images \(input.shape)")
  }

  /// Judges the images `samples` of `images` after rounding them to 8 bits: one forward pass.
  ///
  /// Each judgement carries the rounded image's output row `[D]`, which `result` can reuse.
  func assessRounded(_ images: Tensor, samples: [Int]) -> [(
    assessment: Assessment, loss: Float, output: [Float]
  )] {
    guard !samples.isEmpty else { return [] }
    var batch = Tensor(zeros: [0])
    var input = gather(images, samples: samples, into: &batch)
    input.withUnsafeMutableBufferPointer { PixelRounding.round($0, bounds: bounds) }
    let outputs = model.outputs(for: input)
    let losses = goal.objective.losses(outputs: outputs, samples: samples)
    let width = outputs.shape[1]
    return outputs.withUnsafeBufferPointer { values in
      samples.enumerated().map { k, i in
        let row = UnsafeBufferPointer(rebasing: values[(k * width)..<((k + 1) * width)])
        return (goal.assess(sample: i, output: row), losses[k], Array(row))
      }
    }
  }

  /// The images `samples` of `images` `[k, H, W, C]`: `images` itself when `samples` is the whole
  /// batch (always in increasing order), else a copy into `buffer` (reused when its size fits).
  func gather(_ images: Tensor, samples: [Int], into buffer: inout Tensor) -> Tensor {
    if samples.count == imageCount { return images }
    let shape = [samples.count] + Array(images.shape.dropFirst())
    if buffer.shape != shape { buffer = Tensor(zeros: shape) }
    let size = pixelsPerImage
    images.withUnsafeBufferPointer { source in
      buffer.withUnsafeMutableBufferPointer { target in
        for (k, i) in samples.enumerated() {
          (target.baseAddress! + k * size).update(from: source.baseAddress! + i * size, count: size)
        }
      }
    }
    return buffer
  }

  // MARK: - Result

  /// The attack's result for `adversarial`: evaluated as optimised and after 8-bit rounding.
  ///
  /// `roundedOutputs` (empty, or one entry per image) holds the output rows `[D]` that
  /// `assessRounded` already computed for exactly an image's 8-bit rounding; the model runs on
  /// the rounded images only for the others.
  func result(
    adversarial: Tensor, trace: [[TraceEntry]], notes: [String], roundedOutputs: [[Float]?] = []
  ) -> AttackResult {
    AttackResult(
      original: original, adversarial: adversarial,
      optimized: evaluate(adversarial),
      rounded: evaluate(
        PixelRounding.rounded(adversarial, bounds: bounds), knownOutputs: roundedOutputs),
      trace: trace, notes: notes)
  }

  /// Judges every image of `images` `[N, H, W, C]`; `knownOutputs` as in `outputs(for:known:)`.
  func evaluate(_ images: Tensor, knownOutputs: [[Float]?] = []) -> AttackEvaluation {
    let outputs = self.outputs(for: images, known: knownOutputs)
    let samples = Array(0..<imageCount)
    let losses = goal.objective.losses(outputs: outputs, samples: samples)
    let metrics = PerturbationMetrics.perImage(originals: original, images: images)
    let width = outputs.shape[1]
    let topClasses = goal.isEmbedding ? nil : outputs.topSoftmax(count: 5)
    let evaluations = outputs.withUnsafeBufferPointer { values in
      samples.map { i in
        let row = UnsafeBufferPointer(rebasing: values[(i * width)..<((i + 1) * width)])
        let assessment = goal.assess(sample: i, output: row)
        return SampleEvaluation(
          success: assessment.success, reachedMargin: assessment.reachedMargin, loss: losses[i],
          topClasses: topClasses?[i].map {
            ClassScore(label: $0.index, probability: $0.probability)
          }
            ?? [],
          distance: assessment.distance, metrics: metrics[i])
      }
    }
    return AttackEvaluation(images: images, outputs: outputs, samples: evaluations)
  }

  /// The model's outputs `[N, D]` for `images` `[N, H, W, C]`: row `i` is `known[i]` where that
  /// is given (`known` empty, or one entry per image), else the model runs on the images without
  /// one (gathered in order; every image when `known` is empty).
  private func outputs(for images: Tensor, known: [[Float]?]) -> Tensor {
    precondition(
      known.isEmpty || known.count == imageCount,
      "[attack] \(known.count) known output rows for \(imageCount) images")
    let missing = (0..<imageCount).filter { known.isEmpty || known[$0] == nil }
    if missing.count == imageCount { return model.outputs(for: images) }
    let width = cleanOutputs.shape[1]
    var values = [Float](repeating: 0, count: imageCount * width)
    for (i, row) in known.enumerated() {
      guard let row else { continue }
      precondition(
        row.count == width, "[attack] a known output row of \(row.count) values, not \(width)")
      values.replaceSubrange((i * width)..<((i + 1) * width), with: row)
    }
    if !missing.isEmpty {
      var buffer = Tensor(zeros: [0])
      let computed = model.outputs(for: gather(images, samples: missing, into: &buffer))
      checkOutputs(computed, count: missing.count)
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
    return Tensor(shape: [imageCount, width], scalars: values)
  }

  // MARK: - Helpers

  /// The clean images that already reach the goal's margin, checked after 8-bit rounding: an
  /// attack leaves them unchanged.
  func finishedBeforeStart() -> Set<Int> {
    let candidates = cleanOutputs.withUnsafeBufferPointer { values in
      let width = cleanOutputs.shape[1]
      return (0..<imageCount).filter { i in
        let row = UnsafeBufferPointer(rebasing: values[(i * width)..<((i + 1) * width)])
        return goal.assess(sample: i, output: row).reachedMargin
      }
    }
    let judged = assessRounded(original, samples: candidates)
    return Set(zip(candidates, judged).filter { $0.1.assessment.reachedMargin }.map(\.0))
  }

  /// Calls `body` with image `sample`'s values of `images` and of the mask.
  func withRows<R>(
    of images: inout Tensor, sample: Int,
    _ body: (
      UnsafeMutableBufferPointer<Float>, UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>?
    ) -> R
  ) -> R {
    let range = (sample * pixelsPerImage)..<((sample + 1) * pixelsPerImage)
    return images.withUnsafeMutableBufferPointer { values in
      original.withUnsafeBufferPointer { clean in
        let image = UnsafeMutableBufferPointer(rebasing: values[range])
        let cleanRow = UnsafeBufferPointer(rebasing: clean[range])
        guard let mask else { return body(image, cleanRow, nil) }
        return mask.withUnsafeBufferPointer {
          body(image, cleanRow, UnsafeBufferPointer(rebasing: $0[range]))
        }
      }
    }
  }

  /// `‖x − x₀‖₂` of image `sample` of `images`, in levels (`Double`).
  func l2Distance(of images: Tensor, sample: Int) -> Double {
    let range = (sample * pixelsPerImage)..<((sample + 1) * pixelsPerImage)
    return images.withUnsafeBufferPointer { x in
      original.withUnsafeBufferPointer { x0 in
        var squared = 0.0
        for j in range {
          let delta = Double(x[j]) - Double(x0[j])
          squared += delta * delta
        }
        return squared.squareRoot()
      }
    }
  }

  /// Copies image `sample` of `source` into `target`.
  func copyImage(_ sample: Int, from source: Tensor, to target: inout Tensor) {
    let offset = sample * pixelsPerImage
    let size = pixelsPerImage
    source.withUnsafeBufferPointer { from in
      target.withUnsafeMutableBufferPointer { to in
        (to.baseAddress! + offset).update(from: from.baseAddress! + offset, count: size)
      }
    }
  }

  /// The smallest and largest value; a NaN widens the range to ±infinity.
  private static func range(of values: UnsafeBufferPointer<Float>) -> ClosedRange<Float> {
    var low = Float.infinity
    var high = -Float.infinity
    for v in values {
      low = Swift.min(low, v.isNaN ? -.infinity : v)
      high = Swift.max(high, v.isNaN ? .infinity : v)
    }
    return low...high
  }

  /// `mask` `[1 or N, H, W, 1 or C]` of zeros and ones, broadcast to `[N · H · W · C]`.
  private static func expanded(_ mask: Tensor, to shape: [Int]) throws(AttackError) -> [Float] {
    let m = mask.shape
    guard m.count == 4, m[0] == 1 || m[0] == shape[0], m[1] == shape[1], m[2] == shape[2],
      m[3] == 1 || m[3] == shape[3]
    else { throw AttackError.maskShapeMismatch(images: shape, mask: m) }
    if let bad = mask.scalars.first(where: { $0 != 0 && $0 != 1 }) {
      throw AttackError.invalidMaskValue(bad)
    }
    let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
    var result = [Float](repeating: 0, count: n * h * w * c)
    let values = mask.scalars
    for i in 0..<n {
      for p in 0..<(h * w) {
        for k in 0..<c {
          let source = ((m[0] == 1 ? 0 : i) * h * w + p) * m[3] + (m[3] == 1 ? 0 : k)
          result[(i * h * w + p) * c + k] = values[source]
        }
      }
    }
    return result
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
