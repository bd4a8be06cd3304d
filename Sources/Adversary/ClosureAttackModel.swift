import FaceTensor

/// A model given by closures, for attacking a function without writing an `AttackableModel`
/// type: a forward pass and either its vector-Jacobian product or a forward pass that returns its
/// own pullback (as a FaceNets `Network` does).
///
/// ```swift
/// let model = ClosureAttackModel(
///   outputs: { images in logits(of: images) },                  // [N, H, W, C] -> [N, D]
///   vectorJacobianProduct: { images, dLogits in inputGradient(images, dLogits) })
/// let result = try PGD(epsilon: 8).run(on: model, images: images, goal: .untargeted())
/// ```
///
/// Images are NHWC `[N, H, W, C]` in `inputBounds` (pixel levels 0...255 by default); outputs
/// are `[N, D]`. The closures must meet `AttackableModel`'s contract: row `i` of the outputs
/// depends on image `i` alone, any batch size works, and the gradient returned has the images'
/// shape.
public struct ClosureAttackModel: AttackableModel {
  /// The range every input pixel must lie in.
  public let inputBounds: ClosedRange<Float>
  private let forward: (Tensor) -> Tensor
  private let forwardWithPullback: (Tensor) -> (outputs: Tensor, pullback: (Tensor) -> Tensor)

  /// A model from its forward pass and its vector-Jacobian product.
  /// - Parameters:
  ///   - inputBounds: the range of the input pixels (0...255 for images in pixel levels).
  ///   - outputs: images `[N, H, W, C]` → outputs `[N, D]`.
  ///   - vectorJacobianProduct: `(images, ∂L/∂outputs)` (`[N, H, W, C]`, `[N, D]`) →
  ///     `∂L/∂images` `[N, H, W, C]`, the outputs' Jacobian transposed times the output gradient.
  ///     The forward pass runs once per query; this closure recomputes whatever it needs.
  public init(
    inputBounds: ClosedRange<Float> = 0...255, outputs: @escaping (Tensor) -> Tensor,
    vectorJacobianProduct: @escaping (_ images: Tensor, _ outputGradient: Tensor) -> Tensor
  ) {
    self.inputBounds = inputBounds
    forward = outputs
    forwardWithPullback = { images in
      (outputs(images), { outputGradient in vectorJacobianProduct(images, outputGradient) })
    }
  }

  /// A model from a forward pass that returns its pullback.
  /// - Parameters:
  ///   - inputBounds: the range of the input pixels (0...255 for images in pixel levels).
  ///   - outputsWithPullback: images `[N, H, W, C]` → outputs `[N, D]` and the pullback from
  ///     `∂L/∂outputs` `[N, D]` to `∂L/∂images` `[N, H, W, C]`.
  ///   - outputs: the forward pass alone, when it is cheaper; nil runs `outputsWithPullback` and
  ///     drops the pullback.
  public init(
    inputBounds: ClosedRange<Float> = 0...255,
    outputsWithPullback: @escaping (Tensor) -> (outputs: Tensor, pullback: (Tensor) -> Tensor),
    outputs: ((Tensor) -> Tensor)? = nil
  ) {
    self.inputBounds = inputBounds
    forward = outputs ?? { outputsWithPullback($0).outputs }
    forwardWithPullback = outputsWithPullback
  }

  /// The outputs `[N, D]` for images `[N, H, W, C]`.
  public func outputs(for images: Tensor) -> Tensor { forward(images) }

  /// The outputs `[N, D]` and the pullback from `∂L/∂outputs` to `∂L/∂images` `[N, H, W, C]`.
  public func outputsWithPullback(for images: Tensor) -> (
    outputs: Tensor, pullback: (Tensor) -> Tensor
  ) {
    forwardWithPullback(images)
  }
}
