import FaceTensor

/// dlib's `affine` layer: a per-channel scale and shift.
///
/// Mode 0 (per channel): `y[..., c] = x[..., c] · gamma[c] + beta[c]` over the last (channel)
/// axis. dlib replaces its batch normalizations by this at inference time.
///
/// Backward: `dx = dy · gamma`; `dGamma[c] = Σ dy · x`, `dBeta[c] = Σ dy`.
public struct Affine: InPlaceLayer {
  /// `[C]` per-channel factor.
  public var gamma: Tensor
  /// `[C]` per-channel offset.
  public var beta: Tensor

  /// `gamma` and `beta` gradients.
  public typealias Gradient = GammaBetaGradient

  /// An affine layer with the given parameters.
  /// - Precondition: `gamma` and `beta` are both `[C]`.
  public init(gamma: Tensor, beta: Tensor) {
    precondition(
      gamma.rank == 1 && beta.shape == gamma.shape,
      "[Affine] gamma \(gamma.shape) and beta \(beta.shape) must both be [C]")
    self.gamma = gamma
    self.beta = beta
  }

  /// The identity (gamma 1, beta 0), to be filled by a loader.
  public init(channels: Int) {
    self.init(gamma: Tensor(repeating: 1, shape: [channels]), beta: Tensor(zeros: [channels]))
  }

  /// `[..., C]` → `[..., C]`.
  public func callAsFunction(_ input: Tensor) -> Tensor {
    ChannelScale(scale: gamma.scalars, shift: beta.scalars).apply(to: input, op: "Affine")
  }

  /// Overwrites `x` with the forward pass (inference; the shape is unchanged).
  public func applyInPlace(_ x: inout Tensor) {
    ChannelScale(scale: gamma.scalars, shift: beta.scalars).applyInPlace(&x, op: "Affine")
  }

  /// The forward pass and its pullback (see the type's doc for the backward formula).
  public func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (value: Tensor, pullback: Pullback<Gradient>)
  {
    let output = self(input)
    let gamma = self.gamma.scalars
    let savedInput: Tensor? = scope == .inputAndParameters ? input : nil
    return (
      output,
      { dy in
        let dx = ChannelScale(scale: gamma, shift: nil).apply(to: dy, op: "Affine backward")
        guard let savedInput else { return (dx, nil) }
        let c = gamma.count
        return (dx, Gradient(outputGradient: dy, normalizedInput: savedInput, channels: c))
      }
    )
  }

  /// `gamma`, `beta`.
  public static var namedParameters: [NamedParameter<Self>] {
    [NamedParameter("gamma", \.gamma), NamedParameter("beta", \.beta)]
  }
}
