import Adversary
import FaceNets
import FaceTensor

/// A recognizer seen from a rectangle of a photo: the rectangle's pixels `[1, H, W, 3]` (RGB,
/// 0...255) go through an optional differentiable JPEG round trip, an optional random warp
/// (`PhotoJitter`, EOT draws only), the cut that makes the model's input (crop and resize, or
/// dlib's chip) and the network, to logits or descriptors `[1, D]`.
///
/// The deterministic `outputs(for:)` and `outputsWithPullback(for:)` use no warp: they are the
/// pipeline as the photo will be re-checked. `outputsWithPullback(for:drawSeed:)` warps by the
/// draw of `drawSeed`.
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

  var inputBounds: ClosedRange<Float> { network.inputBounds }

  func outputs(for images: Tensor) -> Tensor {
    network.outputs(for: cut(jpeg.map { $0(images) } ?? images))
  }

  func outputsWithPullback(for images: Tensor) -> (outputs: Tensor, pullback: (Tensor) -> Tensor)
  {
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
    var pullbacks: [Pullback] = []
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
