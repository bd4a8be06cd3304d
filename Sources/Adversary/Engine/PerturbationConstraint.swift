/// The constraints every attack keeps after every step, applied to one image at a time:
/// the perturbation `δ = x − x₀` inside its norm ball, pixels inside the bounds, and masked-out
/// pixels equal to the original bit for bit.
struct PerturbationConstraint: Sendable {
  let norm: PerturbationNorm
  /// The ball's radius in pixel levels (≥ 0).
  let epsilon: Float
  let bounds: ClosedRange<Float>

  /// Projects `image` (`P` values) onto the constraints around `original`.
  ///
  /// L∞: each value is clamped to `[x₀ − ε, x₀ + ε] ∩ bounds`. L2: `δ` is scaled by
  /// `min(1, ε / ‖δ‖₂)`, then clamped to the bounds (which only shrinks each `|δ_i|`, as `x₀` is
  /// within them). Both are checked in `Double` against the rounding of `x₀ + δ` in `Float`, so the
  /// guarantee is exact: `|x − x₀| ≤ ε` (L∞) and `‖x − x₀‖₂ ≤ ε` (L2) computed in `Double`.
  /// - Parameter mask: 1 where a value may change, 0 where it must stay `x₀`; nil for no mask.
  func project(
    _ image: UnsafeMutableBufferPointer<Float>, original: UnsafeBufferPointer<Float>,
    mask: UnsafeBufferPointer<Float>?
  ) {
    switch norm {
    case .lInfinity: projectLInfinity(image, original: original)
    case .l2: projectL2(image, original: original, mask: mask)
    }
    if let mask {
      for i in image.indices where mask[i] == 0 { image[i] = original[i] }
    }
  }

  /// Replaces `image` by `original` plus a uniform random point of the ball (L∞: each value
  /// uniform in `[−ε, ε]`; L2: uniform in the ball of the unmasked values), then projects.
  func randomStart(
    _ image: UnsafeMutableBufferPointer<Float>, original: UnsafeBufferPointer<Float>,
    mask: UnsafeBufferPointer<Float>?, generator: inout SplitMix64
  ) {
    switch norm {
    case .lInfinity:
      for i in image.indices { image[i] = original[i] + generator.uniform(-epsilon...epsilon) }
    case .l2:
      var squared = 0.0
      var free = 0
      var direction = [Double](repeating: 0, count: image.count)
      for i in image.indices where mask?[i] ?? 1 != 0 {
        direction[i] = generator.normal()
        squared += direction[i] * direction[i]
        free += 1
      }
      let radius = Double(epsilon) * pow(generator.unit(), 1 / Double(Swift.max(free, 1)))
      let scale = squared > 0 ? radius / squared.squareRoot() : 0
      for i in image.indices { image[i] = original[i] + Float(direction[i] * scale) }
    }
    project(image, original: original, mask: mask)
  }

  private func projectLInfinity(
    _ image: UnsafeMutableBufferPointer<Float>, original: UnsafeBufferPointer<Float>
  ) {
    let radius = Double(epsilon)
    for i in image.indices {
      let x0 = original[i]
      var x = Swift.min(Swift.max(image[i], x0 - epsilon), x0 + epsilon)
      x = Swift.min(Swift.max(x, bounds.lowerBound), bounds.upperBound)
      // x₀ ± ε rounded in Float can land one ulp outside the ball; step back inside it.
      while Double(x) - Double(x0) > radius { x = x.nextDown }
      while Double(x0) - Double(x) > radius { x = x.nextUp }
      image[i] = x
    }
  }

  private func projectL2(
    _ image: UnsafeMutableBufferPointer<Float>, original: UnsafeBufferPointer<Float>,
    mask: UnsafeBufferPointer<Float>?
  ) {
    let radius = Double(epsilon)
    // Float rounding of x₀ + s·δ can leave the norm a hair above ε; shrink s until it is not.
    var shrink = 1.0
    for _ in 0..<64 {
      let norm = perturbationNorm(image, original: original, mask: mask)
      guard norm > radius else { return }
      let scale = radius / norm * shrink
      for i in image.indices {
        let delta = (mask?[i] ?? 1) == 0 ? 0 : Double(image[i]) - Double(original[i])
        let x = Float(Double(original[i]) + delta * scale)
        image[i] = Swift.min(Swift.max(x, bounds.lowerBound), bounds.upperBound)
      }
      shrink *= 1 - 1e-6
    }
    for i in image.indices { image[i] = original[i] }
  }

  /// `‖(x − x₀) ⊙ mask‖₂` in `Double`, after clamping `x` to the bounds.
  private func perturbationNorm(
    _ image: UnsafeMutableBufferPointer<Float>, original: UnsafeBufferPointer<Float>,
    mask: UnsafeBufferPointer<Float>?
  ) -> Double {
    var squared = 0.0
    for i in image.indices {
      image[i] = Swift.min(Swift.max(image[i], bounds.lowerBound), bounds.upperBound)
      if (mask?[i] ?? 1) == 0 { continue }
      let delta = Double(image[i]) - Double(original[i])
      squared += delta * delta
    }
    return squared.squareRoot()
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
