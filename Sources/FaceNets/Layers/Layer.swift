import FaceTensor

/// What a backward pass must compute.
public enum GradientScope: Sendable, Equatable {
  /// Only the gradient with respect to the input (what an attack needs): layers skip their
  /// parameter-gradient GEMMs and return empty `ParameterGradients`.
  case input
  /// The input gradient and every parameter's gradient.
  case inputAndParameters
}

/// Gradients of a layer's parameters, keyed by the parameter's name.
///
/// Names are `"kernel"`, `"bias"`, `"gamma"`, ...; each gradient has its parameter's shape. Empty for parameterless layers and for
/// `GradientScope.input`.
public typealias ParameterGradients = [String: Tensor]

/// Maps the gradient of a scalar loss with respect to a layer's output to the gradients with
/// respect to its input and parameters.
public typealias Pullback = (_ outputGradient: Tensor) -> (
  input: Tensor, parameters: ParameterGradients
)

/// A differentiable function of one tensor with named parameters.
///
/// Layers are value types: parameters are `var`s (named as in the weight files: `kernel`, `bias`,
/// `gamma`, `beta`, `movingMean`, `movingVariance`, `alpha`), hyper-parameters `let`s. A pullback
/// captures only what it needs and never mutates the layer.
public protocol Layer: Sendable {
  /// Forward pass in inference mode: nothing is kept for a backward pass.
  func callAsFunction(_ input: Tensor) -> Tensor

  /// Forward pass that keeps what the backward pass needs, returned as a pullback.
  func valueWithPullback(at input: Tensor, scope: GradientScope) -> (
    value: Tensor, pullback: Pullback
  )

  /// The layer's parameters by name (empty for parameterless layers).
  var parameters: [String: Tensor] { get }

  /// Replaces one parameter.
  /// - Throws: `LayerParameterError` if the name is unknown or the shape differs.
  mutating func setParameter(_ name: String, to value: Tensor) throws
}

extension Layer {
  /// No parameters.
  public var parameters: [String: Tensor] { [:] }

  /// Replaces a parameter by name; throws `LayerParameterError` for an unknown name or shape.
  public mutating func setParameter(_ name: String, to value: Tensor) throws {
    throw LayerParameterError.unknownParameter(name: name, known: [])
  }
}

/// A parameter could not be set on a layer.
public enum LayerParameterError: Error, Equatable, CustomStringConvertible {
  /// The layer has no parameter of this name.
  case unknownParameter(name: String, known: [String])
  /// The value's shape differs from the parameter's.
  case shapeMismatch(name: String, expected: [Int], actual: [Int])
  /// A network has no layer of this name.
  case unknownLayer(name: String)

  /// A one-line human-readable form.
  public var description: String {
    switch self {
    case .unknownParameter(let name, let known):
      return known.isEmpty
        ? "no parameter '\(name)': the layer has no parameters"
        : "no parameter '\(name)'; the layer has \(known.sorted().joined(separator: ", "))"
    case .shapeMismatch(let name, let expected, let actual):
      return "'\(name)' has shape \(actual), expected \(expected)"
    case .unknownLayer(let name):
      return "no layer named '\(name)' in the network"
    }
  }
}
