import FaceTensor

/// Maps the gradient of a scalar loss with respect to a merge layer's output to the gradients with
/// respect to each of its inputs, in input order.
public typealias MergePullback = (_ outputGradient: Tensor) -> [Tensor]

/// A differentiable, parameterless function of several tensors (`Add`, `PaddedAdd`, `Multiply`,
/// `Concat`): the joins of a network graph.
public protocol MergeLayer: Sendable {
  /// Forward pass in inference mode.
  /// - Precondition: as many inputs as the layer takes, with compatible shapes.
  func callAsFunction(_ inputs: [Tensor]) -> Tensor

  /// Forward pass that keeps what the backward pass needs.
  func valueWithPullback(at inputs: [Tensor]) -> (value: Tensor, pullback: MergePullback)
}

/// A layer that can overwrite its input with its output (elementwise layers such as `ReLU`,
/// `BatchNorm`, `Affine`): a network uses this in inference mode when nothing else reads the input,
/// which saves an allocation and a pass over memory.
public protocol InPlaceLayer: Layer {
  /// Replaces `x` with `self(x)`; the shape is unchanged.
  func applyInPlace(_ x: inout Tensor)
}
