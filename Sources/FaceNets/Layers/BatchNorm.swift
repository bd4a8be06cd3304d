import FaceTensor

/// Batch normalization in inference mode, over the last (channel) axis, with frozen statistics:
/// `y = (x - movingMean) / sqrt(movingVariance + epsilon) · gamma + beta`, computed as
/// `y = x · scale + shift` with `scale = gamma / sqrt(movingVariance + epsilon)` and
/// `shift = beta - movingMean · scale` (both formed in `Double`).
///
/// Backward: `dx = dy · scale` (a per-channel scale); `dGamma[c] = Σ dy · (x - mean) / sqrt(var + ε)`,
/// `dBeta[c] = Σ dy`. The moving statistics are constants of the trained model: they get no
/// gradient. There is no training mode.
///
/// `epsilon` belongs to the architecture, not to the weights file: keras-vggface uses `1e-3` for
/// ResNet-50 and `1e-4` for SE-ResNet-50 (the Keras default is `1e-3`).
public struct BatchNorm: InPlaceLayer {
  /// `[C]` scale.
  public var gamma: Tensor
  /// `[C]` offset.
  public var beta: Tensor
  /// `[C]` frozen mean.
  public var movingMean: Tensor
  /// `[C]` frozen variance.
  public var movingVariance: Tensor
  /// Added to the variance before the square root.
  public let epsilon: Float

  /// `gamma` and `beta` gradients (the moving statistics get none).
  public typealias Gradient = GammaBetaGradient

  /// A batch normalization with the given statistics.
  /// - Precondition: all four tensors are `[C]` with the same `C`.
  public init(
    gamma: Tensor, beta: Tensor, movingMean: Tensor, movingVariance: Tensor, epsilon: Float
  ) {
    let c = gamma.count
    for (name, t) in [
      ("beta", beta), ("movingMean", movingMean), ("movingVariance", movingVariance),
    ] {
      precondition(
        t.shape == [c] && gamma.shape == [c],
        "[BatchNorm] \(name) has shape \(t.shape), expected [\(c)]")
    }
    self.gamma = gamma
    self.beta = beta
    self.movingMean = movingMean
    self.movingVariance = movingVariance
    self.epsilon = epsilon
  }

  /// The identity statistics (gamma 1, beta 0, mean 0, variance 1), to be filled by a loader.
  public init(channels: Int, epsilon: Float) {
    self.init(
      gamma: Tensor(repeating: 1, shape: [channels]), beta: Tensor(zeros: [channels]),
      movingMean: Tensor(zeros: [channels]),
      movingVariance: Tensor(repeating: 1, shape: [channels]),
      epsilon: epsilon)
  }

  /// The per-channel `scale` and `shift` of `y = x · scale + shift`.
  public var scaleAndShift: (scale: [Float], shift: [Float]) {
    var scale = [Float]()
    var shift = [Float]()
    for c in 0..<gamma.count {
      let inverseStd = 1 / (Double(movingVariance.scalars[c]) + Double(epsilon)).squareRoot()
      let s = Double(gamma.scalars[c]) * inverseStd
      scale.append(Float(s))
      shift.append(Float(Double(beta.scalars[c]) - Double(movingMean.scalars[c]) * s))
    }
    return (scale, shift)
  }

  /// `[..., C]` → `[..., C]`.
  public func callAsFunction(_ input: Tensor) -> Tensor {
    let (scale, shift) = scaleAndShift
    return ChannelScale(scale: scale, shift: shift).apply(to: input, op: "BatchNorm")
  }

  /// Overwrites `x` with the forward pass (inference; the shape is unchanged).
  public func applyInPlace(_ x: inout Tensor) {
    let (scale, shift) = scaleAndShift
    ChannelScale(scale: scale, shift: shift).applyInPlace(&x, op: "BatchNorm")
  }

  /// The forward pass and its pullback (see the type's doc for the backward formula).
  public func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (value: Tensor, pullback: Pullback<Gradient>)
  {
    let (scale, shift) = scaleAndShift
    let output = ChannelScale(scale: scale, shift: shift).apply(to: input, op: "BatchNorm")
    let savedInput: Tensor? = scope == .inputAndParameters ? input : nil
    let mean = movingMean.scalars
    let inverseStd = (0..<gamma.count).map {
      Float(1 / (Double(movingVariance.scalars[$0]) + Double(epsilon)).squareRoot())
    }
    return (
      output,
      { dy in
        let dx = ChannelScale(scale: scale, shift: nil).apply(to: dy, op: "BatchNorm backward")
        guard let savedInput else { return (dx, nil) }
        // xHat[..., c] = (x - mean[c]) / sqrt(var[c] + ε)
        let xHat = ChannelScale(
          scale: inverseStd, shift: (0..<mean.count).map { -mean[$0] * inverseStd[$0] }
        ).apply(to: savedInput, op: "BatchNorm backward")
        return (dx, Gradient(outputGradient: dy, normalizedInput: xHat, channels: mean.count))
      }
    )
  }

  /// `gamma`, `beta`, `movingMean`, `movingVariance`.
  public static var namedParameters: [NamedParameter<Self>] {
    [
      NamedParameter("gamma", \.gamma), NamedParameter("beta", \.beta),
      NamedParameter("movingMean", \.movingMean),
      NamedParameter("movingVariance", \.movingVariance),
    ]
  }
}

extension Conv2D {
  /// This convolution followed by `batchNorm`, as one convolution.
  ///
  /// `kernel'[..., oc] = kernel[..., oc] · scale[oc]`, `bias'[oc] = bias[oc] · scale[oc] + shift[oc]`
  /// (`scale`, `shift` from `BatchNorm.scaleAndShift`). A frozen batch norm is a per-channel affine
  /// map, so the result is the same function of the input (up to Float rounding) with the same
  /// input gradient, and saves a pass over the activations.
  /// - Precondition: `batchNorm` has one channel per output channel.
  public func folding(_ batchNorm: BatchNorm) -> Conv2D {
    let oc = kernel.shape[3]
    precondition(
      batchNorm.gamma.count == oc,
      "[Conv2D] batch norm has \(batchNorm.gamma.count) channels, conv \(oc)")
    let (scale, shift) = batchNorm.scaleAndShift
    let foldedKernel = ChannelScale(scale: scale, shift: nil).apply(
      to: kernel, op: "Conv2D.folding")
    let b = bias?.scalars ?? [Float](repeating: 0, count: oc)
    let foldedBias = Tensor(shape: [oc], scalars: (0..<oc).map { b[$0] * scale[$0] + shift[$0] })
    return Conv2D(
      kernel: foldedKernel, bias: foldedBias, strides: strides, dilations: dilations,
      padding: padding)
  }
}
