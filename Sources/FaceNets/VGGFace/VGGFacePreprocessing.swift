import FaceTensor

/// keras-vggface's `preprocess_input` as a differentiable layer: RGB to BGR, then subtraction of
/// the per-channel training means; no scaling.
///
/// Forward: `y[..., 0] = x[..., 2] - meanB`, `y[..., 1] = x[..., 1] - meanG`,
/// `y[..., 2] = x[..., 0] - meanR`, for RGB pixels `x` on the 0...255 scale (`[N, H, W, 3]`).
/// Backward: `dx[..., c] = dy[..., 2 - c]` (the flip; the means are constants), so gradients of a
/// model with this layer in front are with respect to RGB pixels in 0...255.
public struct VGGFacePreprocessing: Layer {
  /// The BGR means subtracted: version 1 (VGGFace1, VGG-16) `(93.5940, 104.7624, 129.1863)`,
  /// version 2 (VGGFace2, ResNet-50 / SE-ResNet-50) `(91.4953, 103.8827, 131.0912)`.
  public let bgrMeans: (blue: Float, green: Float, red: Float)

  /// The preprocessing of `preprocess_input(x, version:)`.
  /// - Precondition: `version` is 1 or 2.
  public init(version: Int) {
    switch version {
    case 1: bgrMeans = (93.5940, 104.7624, 129.1863)
    case 2: bgrMeans = (91.4953, 103.8827, 131.0912)
    default: preconditionFailure("[VGGFacePreprocessing] version must be 1 or 2, got \(version)")
    }
  }

  /// BGR, mean-subtracted `[N, H, W, 3]` for RGB `[N, H, W, 3]` in 0...255.
  /// - Precondition: the last axis has 3 channels.
  public func callAsFunction(_ input: Tensor) -> Tensor {
    VGGFacePreprocessing.flipChannels(
      input, subtracting: [bgrMeans.blue, bgrMeans.green, bgrMeans.red])
  }

  /// The forward pass and its pullback, the channel flip of the output gradient.
  public func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (value: Tensor, pullback: Pullback<NoParameters>)
  {
    (self(input), { dy in (VGGFacePreprocessing.flipChannels(dy, subtracting: [0, 0, 0]), nil) })
  }

  /// `y[..., c] = x[..., 2 - c] - offsets[c]`.
  private static func flipChannels(_ x: Tensor, subtracting offsets: [Float]) -> Tensor {
    precondition(
      x.rank >= 1 && x.shape[x.rank - 1] == 3,
      "[VGGFacePreprocessing] input has shape \(x.shape), expected 3 channels on the last axis")
    let (b, g, r) = (offsets[0], offsets[1], offsets[2])
    return x.withUnsafeBufferPointer { source in
      Tensor(shape: x.shape) { y in
        for p in 0..<(source.count / 3) {
          let o = 3 * p
          y[o] = source[o + 2] - b
          y[o + 1] = source[o + 1] - g
          y[o + 2] = source[o] - r
        }
      }
    }
  }
}
