import FaceTensor

/// A differentiable model an attack can query: a function from a batch of images to one output
/// vector per image (class logits or a face embedding), with a vector-Jacobian product back to the
/// pixels.
///
/// Images are NHWC `[N, H, W, C]` with every value in `inputBounds`. Every FaceAdversary model
/// takes RGB (C = 3) in pixel levels 0...255; the attacks accept any C and bounds. Any
/// preprocessing (channel order, mean subtraction, resampling from a photo) is inside the model,
/// so gradients are with respect to these pixels.
///
/// To bring a model without writing a type, wrap closures in `ClosureAttackModel`; FacePipeline's
/// `NetworkAttackModel` wraps a FaceNets `Network`.
///
/// Attacks call the model on any subset of their batch, in the batch's order (images that reached
/// their goal leave it), so row `i` of the outputs must depend on image `i` alone and any batch
/// size from 1 to N must work. The pullback is called at most once, and released before the
/// attack touches the images again.
public protocol AttackableModel {
  /// The range every input pixel must lie in.
  var inputBounds: ClosedRange<Float> { get }

  /// Outputs `[N, D]` for images `[N, H, W, C]`.
  func outputs(for images: Tensor) -> Tensor

  /// Outputs `[N, D]` and the pullback mapping `∂L/∂outputs` (`[N, D]`) to `∂L/∂images`
  /// (`[N, H, W, C]`).
  func outputsWithPullback(for images: Tensor) -> (outputs: Tensor, pullback: (Tensor) -> Tensor)
}

/// A model with random transformations in front of it (a jittered crop, a small rotation).
///
/// An attack on it estimates every gradient as an expectation over transformations (EOT,
/// Athalye, Engstrom, Ilyas and Kwok 2018), the mean of the gradients of `expectationSamples`
/// random draws, so that the result survives the whole family of transformations rather than
/// one. Success and early stop are judged on the deterministic `outputs(for:)` (the unjittered
/// transformation).
public protocol RandomizedAttackableModel: AttackableModel {
  /// The number of random draws averaged per gradient (at least 1).
  var expectationSamples: Int { get }

  /// Outputs `[N, D]` and the pullback to `∂L/∂images` under the random transformation selected
  /// by `drawSeed`: the same seed gives the same transformation; each image of the batch draws
  /// its own from the seed and its row index.
  func outputsWithPullback(for images: Tensor, drawSeed: UInt64) -> (
    outputs: Tensor, pullback: (Tensor) -> Tensor
  )
}
