import FaceNets
import FaceTensor
import FaceTestSupport
import Testing

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

  /// Checks `d L / d parameter` of a one-input layer at `x`, with its negative control:
  /// `parameter` is the layer's property and `gradient` the same parameter's property of the
  /// layer's `Gradient` (`\.kernel` for both, say).
  /// - Throws: if the pullback gives no gradient for the parameter.
  static func parameter<L: Layer>(
    _ parameter: WritableKeyPath<L, Tensor>, of layer: L, at x: Tensor, seed: UInt64,
    gradient: KeyPath<L.Gradient, Tensor>, epsilon: Float = 1e-2, tolerance: Double = 1e-2
  ) throws -> ParameterGradientCheck {
    try check(
      "\(parameter)", of: layer, at: x, value: layer[keyPath: parameter],
      setting: { $0[keyPath: parameter] = $1 }, gradient: { $0[keyPath: gradient] }, seed: seed,
      epsilon: epsilon, tolerance: tolerance)
  }

  /// As `parameter(_:of:at:seed:gradient:epsilon:tolerance:)`, for a parameter a layer may lack
  /// (a bias).
  /// - Throws: if the layer lacks the parameter or the pullback gives no gradient for it.
  static func parameter<L: Layer>(
    _ parameter: WritableKeyPath<L, Tensor?>, of layer: L, at x: Tensor, seed: UInt64,
    gradient: KeyPath<L.Gradient, Tensor?>, epsilon: Float = 1e-2, tolerance: Double = 1e-2
  ) throws -> ParameterGradientCheck {
    try check(
      "\(parameter)", of: layer, at: x,
      value: try #require(layer[keyPath: parameter], "the layer has no \(parameter)"),
      setting: { $0[keyPath: parameter] = $1 }, gradient: { $0[keyPath: gradient] }, seed: seed,
      epsilon: epsilon, tolerance: tolerance)
  }

  /// The check of the analytic gradient `gradient(pullback(dy).parameters)` of the parameter
  /// `value` (set by `setting`), and the same check of that gradient 3 % too large.
  private static func check<L: Layer>(
    _ label: String, of layer: L, at x: Tensor, value: Tensor,
    setting set: @escaping (inout L, Tensor) -> Void, gradient: (L.Gradient) -> Tensor?,
    seed: UInt64, epsilon: Float, tolerance: Double
  ) throws -> ParameterGradientCheck {
    var generator = SplitMix64(seed: seed)
    let (y, pullback) = layer.valueWithPullback(at: x, scope: .inputAndParameters)
    let dy = generator.uniformTensor(y.shape)
    let parameters = try #require(pullback(dy).parameters, "\(label): no parameter gradients")
    let analytic = try #require(gradient(parameters), "\(label): no gradient")
    let output = { (p: Tensor) -> Tensor in
      var probe = layer
      set(&probe, p)
      return probe(x)
    }
    var controlGenerator = generator
    return ParameterGradientCheck(
      report: checkGradient(
        label, of: output, at: value, upstream: dy, analytic: analytic, epsilon: epsilon,
        tolerance: tolerance, generator: &generator),
      control: checkGradient(
        "\(label) 3 % too large", of: output, at: value, upstream: dy, analytic: analytic * 1.03,
        epsilon: epsilon, tolerance: tolerance, generator: &controlGenerator))
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

/// A parameter gradient check and its negative control (STYLE §5.5): the same check of a
/// deliberately wrong gradient, the analytic one 3 % too large, must fail.
struct ParameterGradientCheck: CustomStringConvertible {
  /// The check of the layer's gradient.
  let report: GradientCheckReport
  /// The check of the wrong gradient.
  let control: GradientCheckReport

  /// The layer's gradient passes and the wrong one fails.
  var passes: Bool { report.passes && !control.passes }

  /// Both reports.
  var description: String { "\(report); negative control: \(control)" }
}
