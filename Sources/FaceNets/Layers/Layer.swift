import FaceTensor

/// What a backward pass must compute.
public enum GradientScope: Sendable, Equatable {
  /// Only the gradient with respect to the input (what an attack needs): layers skip their
  /// parameter-gradient GEMMs and their pullbacks return `parameters: nil`.
  case input
  /// The input gradient and every parameter's gradient.
  case inputAndParameters
}

/// The gradients of one layer's parameters (swift-apis' `TangentVector` of a layer): one `Tensor`
/// property per parameter, named as the parameter and the weight file (`kernel`, `bias`, `gamma`,
/// `beta`, `alpha`), of the parameter's shape.
///
/// A constant of the trained model (`BatchNorm`'s `movingMean`, `movingVariance`) has no gradient.
public protocol ParameterGradient: Sendable {}

/// The `Gradient` of a layer without parameters.
///
/// It has no values: such a layer's pullback always returns `parameters: nil`.
public enum NoParameters: ParameterGradient {}

/// Maps the gradient of a scalar loss with respect to a layer's output (the output's shape) to the
/// gradients with respect to its input (the input's shape) and its parameters (nil with
/// `GradientScope.input`).
public typealias Pullback<Gradient> = (_ outputGradient: Tensor) -> (
  input: Tensor, parameters: Gradient?
)

/// A differentiable function of one tensor with named parameters.
///
/// Layers are value types: parameters are `var`s (named as in the weight files: `kernel`, `bias`,
/// `gamma`, `beta`, `movingMean`, `movingVariance`, `alpha`) and listed once in
/// `namedParameters`, hyper-parameters `let`s. A pullback captures only what it needs and never
/// mutates the layer.
public protocol Layer: Sendable {
  /// The gradients of the layer's parameters, a property per parameter (`NoParameters` if none).
  associatedtype Gradient: ParameterGradient = NoParameters

  /// Forward pass in inference mode: nothing is kept for a backward pass.
  func callAsFunction(_ input: Tensor) -> Tensor

  /// Forward pass that keeps what the backward pass needs, returned as a pullback; with
  /// `GradientScope.input` the pullback gives no parameter gradients (and the layer keeps less).
  func valueWithPullback(at input: Tensor, scope: GradientScope) -> (
    value: Tensor, pullback: Pullback<Gradient>
  )

  /// The layer's parameters as weight files name them, each with the property that holds it
  /// (empty for parameterless layers): `parameters` and `setParameter(_:to:)` read and write
  /// through this list.
  static var namedParameters: [NamedParameter<Self>] { get }
}

extension Layer {
  /// No parameters.
  public static var namedParameters: [NamedParameter<Self>] { [] }

  /// The layer's parameters by name; an optional parameter that the layer lacks (a convolution
  /// without bias) is left out.
  public var parameters: [String: Tensor] {
    Dictionary(
      uniqueKeysWithValues: Self.namedParameters.compactMap { p in
        p.value(in: self).map { (p.name, $0) }
      })
  }

  /// Replaces one parameter by name (what a weights loader does).
  /// - Throws: `LayerParameterError.unknownParameter` if the layer has no parameter of this name
  ///   (or lacks that optional parameter), `.shapeMismatch` if `value`'s shape differs from the
  ///   current value's.
  public mutating func setParameter(_ name: String, to value: Tensor) throws {
    let table = Self.namedParameters
    guard let parameter = table.first(where: { $0.name == name }),
      let current = parameter.value(in: self)
    else {
      throw LayerParameterError.unknownParameter(
        name: name, known: table.filter { $0.value(in: self) != nil }.map(\.name))
    }
    guard value.shape == current.shape else {
      throw LayerParameterError.shapeMismatch(
        name: name, expected: current.shape, actual: value.shape)
    }
    parameter.set(value, in: &self)
  }
}

/// One parameter of a layer type `Root`: its name in weight files (`kernel`, `bias`, `gamma`,
/// `beta`, `movingMean`, `movingVariance`, `alpha`) and the key path of the property holding it.
public struct NamedParameter<Root> {
  /// The name in weight files, which is also the property's name.
  public let name: String
  private let property: Property

  /// The property: a `Tensor`, or a `Tensor?` for a parameter a layer may lack.
  private enum Property {
    case required(WritableKeyPath<Root, Tensor>)
    case optional(WritableKeyPath<Root, Tensor?>)
  }

  /// A parameter every layer of the type has.
  public init(_ name: String, _ keyPath: WritableKeyPath<Root, Tensor>) {
    (self.name, property) = (name, .required(keyPath))
  }

  /// A parameter a layer may lack (a bias): absent, and not settable, while the property is nil.
  public init(_ name: String, _ keyPath: WritableKeyPath<Root, Tensor?>) {
    (self.name, property) = (name, .optional(keyPath))
  }

  /// The parameter's value in `layer`, or nil if `layer` lacks it.
  func value(in layer: Root) -> Tensor? {
    switch property {
    case .required(let path): layer[keyPath: path]
    case .optional(let path): layer[keyPath: path]
    }
  }

  /// Replaces the parameter's value in `layer`.
  func set(_ value: Tensor, in layer: inout Root) {
    switch property {
    case .required(let path): layer[keyPath: path] = value
    case .optional(let path): layer[keyPath: path] = value
    }
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
