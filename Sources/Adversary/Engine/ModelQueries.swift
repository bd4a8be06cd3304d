import FaceTensor

/// The model passes an attack makes, on any subset of its batch, with their shapes checked:
/// forward only, or forward with a backward pass the caller runs only if it wants the gradient.
///
/// Images are NHWC `[k, H, W, C]` in pixel levels of `inputs.bounds` (0...255); outputs are one
/// row per image, `[k, D]` (logits or a descriptor).
struct ModelQueries<Model: AttackableModel> {
  /// The objective's `∂loss/∂outputs` `[k, D]` at the model's outputs `[k, D]`.
  typealias OutputGradient = (_ outputs: Tensor) -> Tensor
  /// Maps an objective's output gradient to `∂loss/∂images` `[k, H, W, C]` (see
  /// `outputsWithBackward(of:samples:buffer:drawSeed:)`).
  typealias Backward = (_ outputGradient: OutputGradient) -> Tensor

  let model: Model
  let inputs: AttackInputs

  /// The model's outputs `[k, D]` for images `[k, H, W, C]`.
  func outputs(for images: Tensor) -> Tensor {
    let outputs = model.outputs(for: images)
    checkOutputs(outputs, count: images.shape[0])
    return outputs
  }

  /// The model's outputs `[samples.count, D]` for the images `samples` of `images`
  /// `[N, H, W, C]`, gathered into a buffer of their own.
  func outputs(of images: Tensor, samples: [Int]) -> Tensor {
    var buffer = Tensor(zeros: [0])
    return outputs(for: inputs.gather(images, samples: samples, into: &buffer))
  }

  /// The model's outputs `[k, D]` for the images `samples` of `images` `[N, H, W, C]` (gathered
  /// into `buffer` when they are a strict subset), and the backward pass to those images.
  ///
  /// `backward(outputGradient)` returns `∂loss/∂images` `[k, H, W, C]`. For a plain model it is
  /// the pullback of `outputGradient(outputs)`. For a `RandomizedAttackableModel` with more than
  /// one draw, `outputs` are the deterministic ones (they judge success) and `backward` returns
  /// the mean over `expectationSamples` draws, seeded in turn from `SplitMix64(seed: drawSeed)`,
  /// of each draw's pullback of `outputGradient` at that draw's outputs (EOT).
  ///
  /// Call `backward` at most once, and release it before changing `images` or `buffer`: it holds
  /// the model's pullback and the gathered images, so a change while it lives copies them.
  func outputsWithBackward(
    of images: Tensor, samples: [Int], buffer: inout Tensor, drawSeed: UInt64
  ) -> (outputs: Tensor, backward: Backward) {
    let input = inputs.gather(images, samples: samples, into: &buffer)
    if let randomized = model as? any RandomizedAttackableModel, randomized.expectationSamples > 1 {
      return (outputs(for: input), expectedBackward(randomized, input: input, drawSeed: drawSeed))
    }
    let (outputs, pullback) = model.outputsWithPullback(for: input)
    checkOutputs(outputs, count: samples.count)
    return (
      outputs,
      { outputGradient in
        let dImages = pullback(outputGradient(outputs))
        checkGradient(dImages, input: input)
        return dImages
      }
    )
  }

  /// The EOT backward pass at `input` `[k, H, W, C]`: the mean of the draws' pullbacks.
  private func expectedBackward(
    _ randomized: any RandomizedAttackableModel, input: Tensor, drawSeed: UInt64
  ) -> Backward {
    { outputGradient in
      let draws = randomized.expectationSamples
      var mean = Tensor(zeros: input.shape)
      var seeds = SplitMix64(seed: drawSeed)
      for _ in 0..<draws {
        let (outputs, pullback) = randomized.outputsWithPullback(
          for: input, drawSeed: seeds.next())
        checkOutputs(outputs, count: input.shape[0])
        let dImages = pullback(outputGradient(outputs))
        checkGradient(dImages, input: input)
        mean.add(dImages, scaledBy: 1 / Float(draws))
      }
      return mean
    }
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
}

extension SplitMix64 {
  /// The EOT draw seeds of an attack run with `seed`, one per step: a stream of its own,
  /// `SplitMix64(seed: seed ^ 0xE07_D2A5)`, so that the draws leave the attack's other random
  /// draws (random starts, C&W's start noise, from `SplitMix64(seed: seed)`) unchanged.
  static func expectationDrawSeeds(forAttackSeed seed: UInt64) -> SplitMix64 {
    SplitMix64(seed: seed ^ 0xE07_D2A5)
  }
}
