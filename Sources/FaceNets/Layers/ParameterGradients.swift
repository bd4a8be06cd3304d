import FaceTensor

/// The parameter gradients of `Conv2D` and `Dense` (`Conv2D.Gradient`, `Dense.Gradient`).
public struct KernelBiasGradient: ParameterGradient {
  /// `dL/dKernel`: `[KH, KW, C, OC]` (HWIO) for `Conv2D`, `[in, out]` for `Dense`.
  public var kernel: Tensor
  /// `dL/dBias`: `[OC]` (`[out]`), or nil for a layer without bias.
  public var bias: Tensor?
}

/// The parameter gradients of `Affine` and `BatchNorm` (`Affine.Gradient`, `BatchNorm.Gradient`);
/// a batch norm's moving statistics are constants and get none.
public struct GammaBetaGradient: ParameterGradient {
  /// `dL/dGamma`, `[C]`.
  public var gamma: Tensor
  /// `dL/dBeta`, `[C]`.
  public var beta: Tensor

  /// The gradients of `y[..., c] = xHat[..., c] · gamma[c] + beta[c]` (the input itself for
  /// `Affine`, the normalized input for `BatchNorm`): `dGamma[c] = Σ dy · xHat`,
  /// `dBeta[c] = Σ dy` over all rows, accumulated in `Double`.
  /// - Parameters:
  ///   - dy: `[..., C]`.
  ///   - xHat: `[..., C]`, the shape of `dy`.
  ///   - channels: `C`.
  init(outputGradient dy: Tensor, normalizedInput xHat: Tensor, channels: Int) {
    (beta, gamma) = ChannelSums.of(dy, times: xHat, channels: channels)
  }
}
