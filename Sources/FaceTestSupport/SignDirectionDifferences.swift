import FaceTensor

/// Central differences of `loss` at `point` along `directions` directions, each the gradient's
/// sign on a random half of the values (0 elsewhere and where the gradient is 0), beside the
/// gradient's projection on each.
///
/// A check for gradients through many kinks (relus, crops that follow boxes): single-value
/// differences keep crossing one, while a step along a direction over many values moves the
/// loss by many contributions, well above rounding, and the kinks it crosses cost an error that
/// shrinks with `step`. Following the gradient's sign keeps the projection large; a gradient
/// wrong on some values misses it.
/// - Returns: per direction, the central difference `(loss(x + step·d) - loss(x - step·d)) /
///   (2 step)` and the projection `Σ gradient · d`.
/// - Precondition: `gradient` has `point`'s shape.
public func signDirectionDifferences(
  of loss: (Tensor) -> Double, gradient: Tensor, at point: Tensor, step: Float, directions: Int,
  generator: inout SplitMix64
) -> [(numeric: Double, analytic: Double)] {
  precondition(
    gradient.shape == point.shape,
    "[signDirectionDifferences] gradient \(gradient.shape), point \(point.shape)")
  return (0..<directions).map { _ in
    let direction = gradient.scalars.map { g -> Float in
      generator.next() % 2 == 0 || g == 0 ? 0 : (g > 0 ? 1 : -1)
    }
    let shift = Tensor(shape: point.shape, scalars: direction.map { $0 * step })
    let numeric = (loss(point + shift) - loss(point - shift)) / (2 * Double(step))
    let analytic = zip(gradient.scalars, direction).reduce(0) { $0 + Double($1.0 * $1.1) }
    return (numeric, analytic)
  }
}
