import FaceTensor

/// A differentiable model an attack can query: a function from a batch of RGB images to one
/// output vector per image (class logits or a face embedding), with a vector-Jacobian product back
/// to the pixels.
///
/// Pixels are RGB, NHWC `[N, H, W, 3]`, in `inputBounds` (0...255 for every FaceAdversary model);
/// any preprocessing (channel order, mean subtraction, resampling from a photo) is inside the
/// model, so gradients are with respect to these pixels.
///
/// Attacks call the model on any subset of their batch, in the batch's order (images that reached
/// their goal leave it), so row `i` of the outputs must depend on image `i` alone and any batch
/// size from 1 to N must work. The pullback is called at most once, and released before the
/// attack touches the images again.
public protocol AttackableModel {
  /// The range every input pixel must lie in.
  var inputBounds: ClosedRange<Float> { get }

  /// Outputs `[N, D]` for images `[N, H, W, 3]`.
  func outputs(for images: Tensor) -> Tensor

  /// Outputs `[N, D]` and the pullback mapping `∂L/∂outputs` (`[N, D]`) to `∂L/∂images`
  /// (`[N, H, W, 3]`).
  func outputsWithPullback(for images: Tensor) -> (outputs: Tensor, pullback: (Tensor) -> Tensor)
}
