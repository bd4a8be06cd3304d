import FaceTensor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The Carlini-Wagner L2 loss of one image as a function of its variables `w` in tanh space.
///
/// Change of variables, per value (`P = H · W · C` of an NHWC image, pixel levels of
/// `lo...hi`, 0...255): `x(w) = lo + (hi − lo) · (tanh(w) + 1) / 2`, so every `w` gives a pixel
/// in the bounds; masked-out values stay `x₀`. The loss, with `c` the image's trade-off constant
/// and the hinge the goal's (`ResolvedGoal.hinge`, κ = the margin) on the model's output row:
///
///     L(w) = ‖(x(w) − x₀) / (hi − lo)‖₂² + c · hinge(model(x(w)))
///
/// and its gradient, with `t = tanh(w) = 2(x − lo)/(hi − lo) − 1` recovered from `x` and the
/// model's vector-Jacobian product `g = ∂(c · hinge)/∂x` (the pullback of `c · ∂hinge/∂outputs`):
///
///     ∂L/∂w = (g + 2(x − x₀)/(hi − lo)²) · (hi − lo)/2 · (1 − t²)    (0 where masked)
struct CarliniWagnerObjective {
  /// The goal's hinge on the model's outputs.
  let hinge: any AttackObjective
  /// `lo`, the lower bound.
  let lowerBound: Float
  /// `hi − lo`.
  let range: Float

  /// The objective for `hinge` with pixels in `bounds`.
  init(hinge: any AttackObjective, bounds: ClosedRange<Float>) {
    self.hinge = hinge
    lowerBound = bounds.lowerBound
    range = bounds.upperBound - bounds.lowerBound
  }

  /// `w₀ = atanh((2(x − lo)/(hi − lo) − 1) · (1 − 1e-6))`, the variable of pixel `x` shrunk
  /// slightly towards the middle so that pixels at the bounds have a finite `w`.
  func variable(at x: Float) -> Float {
    let t = (2 * (Double(x) - Double(lowerBound)) / Double(range) - 1) * (1 - 1e-6)
    return Float(atanh(t))
  }

  /// Writes `x(w)`, clamped to the bounds, into `image`, and `original` where `mask` is 0.
  ///
  /// Every buffer holds one image's `P` values.
  func image(
    from w: UnsafeBufferPointer<Float>, into image: UnsafeMutableBufferPointer<Float>,
    original: UnsafeBufferPointer<Float>, mask: UnsafeBufferPointer<Float>?
  ) {
    let (lo, range) = (lowerBound, range)
    for j in 0..<w.count {
      if let mask, mask[j] == 0 {
        image[j] = original[j]
      } else {
        image[j] = min(max(lo + range * (tanh(w[j]) + 1) / 2, lo), lo + range)
      }
    }
  }

  /// `L` for an image at L2 distance `distance` (levels) from its original whose hinge is
  /// `hinge`, with constant `constant`.
  func loss(distance: Double, hinge: Float, constant: Double) -> Double {
    let relative = distance / Double(range)
    return relative * relative + constant * Double(hinge)
  }

  /// `c · ∂hinge/∂outputs` `[k, D]` at the outputs `[k, D]` of the images `samples`, each row
  /// scaled by its image's constant `constants[samples[k]]`: the output gradient whose pullback
  /// is `g` of the type's formula.
  func outputGradient(_ outputs: Tensor, samples: [Int], constants: [Double]) -> Tensor {
    var gradient = hinge.lossesAndGradient(outputs: outputs, samples: samples).gradient
    let width = outputs.shape[1]
    gradient.withUnsafeMutableBufferPointer { g in
      for (k, i) in samples.enumerated() {
        for j in (k * width)..<((k + 1) * width) { g[j] *= Float(constants[i]) }
      }
    }
    return gradient
  }

  /// Turns `gradient`, `g = ∂(c · hinge)/∂x` of one image at `image` `x = x(w)`, into `∂L/∂w` in
  /// place (the type's formula; 0 where `mask` is 0).
  func variableGradient(
    _ gradient: UnsafeMutableBufferPointer<Float>, image: UnsafeBufferPointer<Float>,
    original: UnsafeBufferPointer<Float>, mask: UnsafeBufferPointer<Float>?
  ) {
    let (lo, range) = (lowerBound, range)
    // ∂/∂x of the distance term.
    let scale = 2 / (range * range)
    for j in 0..<gradient.count {
      let free: Float = (mask?[j] ?? 1) == 0 ? 0 : 1
      let dx = gradient[j] + scale * (image[j] - original[j])
      let t = 2 * (image[j] - lo) / range - 1
      gradient[j] = free * dx * range / 2 * (1 - t * t)
    }
  }
}
