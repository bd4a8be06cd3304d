import Adversary
import FaceNets
import FaceTensor

/// A recognizer seen from a rectangle of a photo: the rectangle's pixels `[1, H, W, 3]` (RGB,
/// 0...255) go through an optional differentiable JPEG round trip, an optional random warp
/// (`PhotoJitter`, EOT draws only), the cut that makes the model's input (crop and resize, or
/// dlib's chip) and the network, to logits or descriptors `[1, D]`.
///
/// Gradients (`outputsWithPullback`) go through `jpeg`, whose cubic rounding has a useful
/// derivative. The judged outputs (`outputs(for:)`, on which the attack decides success and
/// early stop) go through the real codec (`CodecRoundTrip`), so success is judged on what the
/// saved file will hold (the cubic rounding's forward, and even exact rounding in `Float`,
/// decide some coefficients differently from libjpeg, and an attack finds exactly those). With
/// EOT, the judged outputs are the least successful (`leastSuccessful`) of the outputs of the
/// unjittered cut and of `judgedDraws` fixed warps: the attack stops when it succeeds for every
/// one of them, not when it first succeeds for the unjittered cut (which a re-detection a few
/// pixels off would undo).
struct PhotoRegionModel<Network: AttackableModel>: RandomizedAttackableModel {
  /// The recognizer's network on its own input.
  let network: Network
  /// JPEG at the quality the output will be saved at, or nil.
  let jpeg: DifferentiableJPEG?
  /// The rectangle's pixels to the network's input.
  let cut: any Layer
  /// The EOT warps and the centre they turn about (rectangle pixels), or nil.
  let jitter: (warps: PhotoJitter, centre: SIMD2<Double>)?
  /// Draws averaged per gradient.
  let expectationSamples: Int
  /// The real JPEG round trip, for judged outputs (nil without JPEG).
  let judgedJPEG: CodecRoundTrip?
  /// The seeds of the fixed warps the judged outputs are chosen among (empty without EOT).
  let judgedDraws: [UInt64]
  /// Picks the judged output among the candidates `[1, D]` (unjittered cut first, then the
  /// fixed warps): the least successful one.
  let leastSuccessful: @Sendable ([Tensor]) -> Tensor

  /// The model for `network` behind `cut`; with `jpegQuality`, JPEG at that quality in front;
  /// with `jitter` and `expectationSamples > 1`, EOT over its warps (the judged outputs are
  /// `leastSuccessful` of the unjittered cut's and `expectationSamples - 1` fixed warps').
  init(
    network: Network, jpegQuality: Int?, cut: any Layer,
    jitter: (warps: PhotoJitter, centre: SIMD2<Double>)?, expectationSamples: Int,
    leastSuccessful: @escaping @Sendable ([Tensor]) -> Tensor
  ) {
    self.leastSuccessful = leastSuccessful
    self.network = network
    self.jpeg = jpegQuality.map { DifferentiableJPEG(quality: $0, rounding: .cubic) }
    self.judgedJPEG = jpegQuality.map { CodecRoundTrip(quality: $0) }
    self.cut = cut
    self.jitter = expectationSamples > 1 ? jitter : nil
    self.expectationSamples = expectationSamples
    judgedDraws =
      self.jitter == nil
      ? [] : (1..<expectationSamples).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
  }

  var inputBounds: ClosedRange<Float> { network.inputBounds }

  func outputs(for images: Tensor) -> Tensor {
    let decoded = judgedJPEG.map { $0(images) } ?? images
    let outputs = network.outputs(for: cut.callAsFunction(decoded))
    guard let jitter, !judgedDraws.isEmpty else { return outputs }
    precondition(images.shape[0] == 1, "[PhotoRegionModel] one photo region at a time")
    var candidates = [outputs]
    for seed in judgedDraws {
      let warp = jitter.warps.sampler(
        seed: seed, centre: jitter.centre, width: images.shape[2], height: images.shape[1])
      candidates.append(network.outputs(for: cut.callAsFunction(warp(decoded))))
    }
    return leastSuccessful(candidates)
  }

  func outputsWithPullback(for images: Tensor) -> (outputs: Tensor, pullback: (Tensor) -> Tensor) {
    chain(images, warp: nil)
  }

  func outputsWithPullback(for images: Tensor, drawSeed: UInt64) -> (
    outputs: Tensor, pullback: (Tensor) -> Tensor
  ) {
    precondition(images.shape[0] == 1, "[PhotoRegionModel] one photo region at a time")
    let warp = jitter.map {
      $0.warps.sampler(
        seed: drawSeed, centre: $0.centre, width: images.shape[2], height: images.shape[1])
    }
    return chain(images, warp: warp)
  }

  /// JPEG, warp, cut and network with the pullback through all of them.
  private func chain(_ images: Tensor, warp: AffineSampler?) -> (
    outputs: Tensor, pullback: (Tensor) -> Tensor
  ) {
    var x = images
    var pullbacks: [Pullback<any ParameterGradient>] = []
    if let jpeg {
      let (value, pullback) = jpeg.valueWithPullback(at: x, scope: .input)
      x = value
      pullbacks.append(pullback)
    }
    if let warp {
      let (value, pullback) = warp.valueWithPullback(at: x, scope: .input)
      x = value
      pullbacks.append(pullback)
    }
    let (input, cutPullback) = cut.valueWithPullback(at: x, scope: .input)
    pullbacks.append(cutPullback)
    let (outputs, networkPullback) = network.outputsWithPullback(for: input)
    return (
      outputs,
      { dOutputs in
        var gradient = networkPullback(dOutputs)
        for pullback in pullbacks.reversed() { gradient = pullback(gradient).input }
        return gradient
      }
    )
  }
}
