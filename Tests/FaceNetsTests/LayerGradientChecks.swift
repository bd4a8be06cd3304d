import FaceNets
import FaceTensor
import FaceTestSupport

/// Gradient checks of layers through the FaceTestSupport checker: `L = Σ layer(x) ⊙ dy` with a
/// seeded random `dy`, the analytic gradient taken from the layer's pullback.
enum LayerGradientCheck {
  /// Checks `d L / d input` of a one-input layer at `x`.
  static func input(
    of layer: some Layer, at x: Tensor, seed: UInt64, epsilon: Float = 1e-2,
    tolerance: Double = 1e-2
  ) -> GradientCheckReport {
    var generator = SplitMix64(seed: seed)
    let (y, pullback) = layer.valueWithPullback(at: x, scope: .input)
    let dy = generator.uniformTensor(y.shape)
    let analytic = pullback(dy).input
    return checkGradient(
      "\(type(of: layer)) input", of: { layer($0) }, at: x, upstream: dy, analytic: analytic,
      epsilon: epsilon, tolerance: tolerance, generator: &generator)
  }

  /// Checks `d L / d parameter` of a one-input layer at `x`.
  static func parameter(
    _ name: String, of layer: some Layer, at x: Tensor, seed: UInt64, epsilon: Float = 1e-2,
    tolerance: Double = 1e-2
  ) -> GradientCheckReport {
    var generator = SplitMix64(seed: seed)
    let (y, pullback) = layer.valueWithPullback(at: x, scope: .inputAndParameters)
    let dy = generator.uniformTensor(y.shape)
    let analytic = pullback(dy).parameters[name] ?? Tensor(zeros: [0])
    guard let value = layer.parameters[name] else {
      preconditionFailure("no parameter \(name) in \(type(of: layer))")
    }
    return checkGradient(
      "\(type(of: layer)) \(name)",
      of: { p in
        var probe = layer
        do { try probe.setParameter(name, to: p) } catch { preconditionFailure("\(error)") }
        return probe(x)
      }, at: value, upstream: dy, analytic: analytic, epsilon: epsilon, tolerance: tolerance,
      generator: &generator)
  }

  /// Checks `d L / d inputs[k]` of a merge layer.
  static func mergeInput(
    _ k: Int, of layer: some MergeLayer, at inputs: [Tensor], seed: UInt64
  ) -> GradientCheckReport {
    var generator = SplitMix64(seed: seed)
    let (y, pullback) = layer.valueWithPullback(at: inputs)
    let dy = generator.uniformTensor(y.shape)
    let analytic = pullback(dy)[k]
    return checkGradient(
      "\(type(of: layer)) input \(k)",
      of: { xk in
        var probe = inputs
        probe[k] = xk
        return layer(probe)
      }, at: inputs[k], upstream: dy, analytic: analytic, generator: &generator)
  }
}
