import FaceTensor

extension DlibConvolution {
  /// The convolution as a `Conv2D` layer (cross-correlation, symmetric zero padding).
  var layer: Conv2D {
    Conv2D(
      kernel: kernel, bias: bias, strides: (strideY, strideX),
      padding: .explicit(top: padY, bottom: padY, left: padX, right: padX))
  }

  /// The convolution followed by a per-channel affine layer, as one `Conv2D`.
  ///
  /// `gamma` and `beta` are `[OC]`; `kernel'[..., oc] = kernel[..., oc] · gamma[oc]` and
  /// `bias' = bias · gamma + beta`. The same function up to `Float` rounding, with one pass over the activations fewer.
  /// With `fusedReLU`, the relu that follows is computed by the convolution too.
  func folded(gamma: Tensor, beta: Tensor, fusedReLU: Bool = false) -> Conv2D {
    let oc = bias.count
    let scaledKernel = Tensor(
      shape: kernel.shape,
      scalars: kernel.scalars.enumerated().map { $0.element * gamma.scalars[$0.offset % oc] })
    let shiftedBias = Tensor(
      shape: [oc], scalars: (0..<oc).map { bias.scalars[$0] * gamma.scalars[$0] + beta.scalars[$0] }
    )
    return Conv2D(
      kernel: scaledKernel, bias: shiftedBias, strides: (strideY, strideX),
      padding: .explicit(top: padY, bottom: padY, left: padX, right: padX), fusedReLU: fusedReLU)
  }
}
