/// How `DifferentiableJPEG` stands in for the rounding of quantized DCT coefficients, whose true
/// derivative is zero almost everywhere.
///
/// With `q` a coefficient divided by its quantization step and `r` the integer nearest to `q`
/// (an exact half goes to the even neighbour, where libjpeg's quantizer goes away from zero):
public enum JPEGRoundingApproximation: Sendable, Equatable {
  /// Shin & Song 2017 ("JPEG-resistant adversarial images"): forward `r + (q − r)³`, backward
  /// `3(q − r)²`, the exact derivative of that forward between half-integers.
  ///
  /// The forward differs from true rounding by at most 0.125 of a quantization step. The gradient
  /// is small where a coefficient sits near a quantization level (a small change there is undone
  /// by the encoder) and largest near the decision boundaries, which steers a perturbation to
  /// where it survives compression. NOTE: the function jumps by 0.75 at half-integers, where it
  /// has no derivative; a finite-difference check must not step across one.
  case cubic
  /// Forward exact rounding (the layer then reproduces the real codec's decisions), backward
  /// identity (the straight-through estimator): the gradient is that of the codec without
  /// quantization. Not the derivative of the forward, so it cannot pass a finite-difference check.
  case straightThrough
}

extension JPEGRoundingApproximation {
  /// The approximate rounding of eight quotients and the derivative the backward pass uses
  /// (all ones for `.straightThrough`).
  @inlinable
  func apply(to q: SIMD8<Float>) -> (value: SIMD8<Float>, derivative: SIMD8<Float>) {
    // Adding and subtracting 1.5·2²³ leaves q rounded to an integer (for |q| < 2²², far beyond
    // any quotient of 8-bit samples), in two vector instructions instead of a libm call per lane.
    let magic = SIMD8<Float>(repeating: 12_582_912)
    let r = (q + magic) - magic
    switch self {
    case .cubic:
      let t = q - r
      return (r + t * t * t, 3 * t * t)
    case .straightThrough:
      return (r, SIMD8(repeating: 1))
    }
  }
}
