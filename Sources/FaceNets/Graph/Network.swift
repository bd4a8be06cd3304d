import FaceTensor

/// Maps the gradients of a scalar loss with respect to a network's outputs (one per output, `nil`
/// meaning zero) to the gradient with respect to its input and the parameter gradients of its
/// layers (nil with `GradientScope.input`).
public typealias NetworkPullback = (_ outputGradients: [Tensor?]) -> (
  input: Tensor, parameters: NetworkGradient?
)

/// The parameter gradients of a network's layers, each of its layer's `Gradient` type, by layer
/// name: `gradients.gradient(ofLayer: "conv1", as: Conv2D.self)?.kernel`.
public struct NetworkGradient: Sendable {
  /// The gradient of each layer that has one, with the identity of the layer's type.
  private var byLayer: [String: (layerType: ObjectIdentifier, gradient: any ParameterGradient)] =
    [:]

  /// The gradient of the parameters of the layer named `name`, which is an `L`.
  /// - Returns: nil if the network has no layer of that name and type with parameters, or if no
  ///   nonzero output gradient reached the layer.
  public func gradient<L: Layer>(ofLayer name: String, as type: L.Type) -> L.Gradient? {
    guard let entry = byLayer[name], entry.layerType == ObjectIdentifier(type) else { return nil }
    return entry.gradient as? L.Gradient
  }

  /// Records the gradient of the layer `layer`, named `name`.
  fileprivate mutating func record(
    _ gradient: any ParameterGradient, ofLayer layer: any Layer, named name: String
  ) {
    byLayer[name] = (ObjectIdentifier(type(of: layer)), gradient)
  }
}

/// One parameter of a network: which layer, which parameter, and its shape (what a loader
/// compares a weights file against).
public struct NetworkParameter: Sendable, Equatable, CustomStringConvertible {
  /// The layer's name in the network.
  public let layer: String
  /// The parameter's name in the layer (`kernel`, `bias`, `gamma`, ...).
  public let name: String
  /// The parameter's shape.
  public let shape: [Int]

  /// A parameter entry.
  public init(layer: String, name: String, shape: [Int]) {
    (self.layer, self.name, self.shape) = (layer, name, shape)
  }

  /// A one-line human-readable form.
  public var description: String { "\(layer)/\(name) \(shape)" }
}

/// A directed acyclic graph of named layers with one input and one or more outputs, built with
/// `NetworkBuilder`.
///
/// - Inference (`callAsFunction`) keeps nothing for a backward pass and frees each intermediate
///   tensor as soon as its last consumer has run; an elementwise `InPlaceLayer` overwrites its
///   input when nothing else reads it.
/// - Gradient mode (`valueWithPullback(at:scope:)`) keeps each layer's pullback. The returned
///   pullback walks the nodes in reverse order; where a value feeds several consumers (a residual
///   shortcut) their gradients are summed explicitly.
/// - Parameters are addressed as (layer name, parameter name), as weight files address them;
///   parameter gradients by layer name and type (`NetworkGradient.gradient(ofLayer:as:)`).
public struct Network: Sendable {
  var nodes: [NetworkNodeRecord]
  /// Output node indices, in output order.
  let outputs: [Int]
  /// How many times each node's value is read (by consumers and as an output).
  private let readCounts: [Int]
  private let indexByName: [String: Int]

  init(nodes: [NetworkNodeRecord], outputs: [Int]) {
    self.nodes = nodes
    self.outputs = outputs
    var reads = [Int](repeating: 0, count: nodes.count)
    for node in nodes { for s in node.sources { reads[s] += 1 } }
    for o in outputs { reads[o] += 1 }
    readCounts = reads
    var byName: [String: Int] = [:]
    for (i, node) in nodes.enumerated() where i > 0 { byName[node.name] = i }
    indexByName = byName
  }

  /// The layer names in topological order (the input excluded).
  public var layerNames: [String] { nodes.dropFirst().map(\.name) }

  /// The number of outputs.
  public var outputCount: Int { outputs.count }

  /// The outputs for `input`, in the order given to `NetworkBuilder.build(outputs:)`.
  ///
  /// Inference mode: nothing is kept.
  public func callAsFunction(_ input: Tensor) -> [Tensor] {
    var values = [Tensor?](repeating: nil, count: nodes.count)
    var remaining = readCounts
    values[0] = input
    for i in 1..<nodes.count {
      let node = nodes[i]
      switch node.operation {
      case .input:
        preconditionFailure("[Network] a second input node")
      case .layer(let layer):
        let s = node.sources[0]
        remaining[s] -= 1
        if remaining[s] == 0, let inPlace = layer as? any InPlaceLayer, var x = values[s] {
          values[s] = nil  // x is now the only reference: overwritten in place
          inPlace.applyInPlace(&x)
          values[i] = x
        } else {
          values[i] = layer(values[s]!)
          if remaining[s] == 0 { values[s] = nil }
        }
      case .merge(let layer):
        values[i] = layer(node.sources.map { values[$0]! })
        for s in node.sources {
          remaining[s] -= 1
          if remaining[s] == 0 { values[s] = nil }
        }
      }
    }
    return outputs.map { values[$0]! }
  }

  /// The outputs for `input` and a pullback from output gradients to the input gradient and the
  /// parameter gradients (only with `scope == .inputAndParameters`; `.input` skips that work, as an
  /// attack needs, and the pullback's `parameters` is nil).
  public func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (outputs: [Tensor], pullback: NetworkPullback)
  {
    var values = [Tensor?](repeating: nil, count: nodes.count)
    var remaining = readCounts
    var pullbacks = [Pullback<any ParameterGradient>?](repeating: nil, count: nodes.count)
    var mergePullbacks = [MergePullback?](repeating: nil, count: nodes.count)
    values[0] = input
    for i in 1..<nodes.count {
      let node = nodes[i]
      switch node.operation {
      case .input:
        preconditionFailure("[Network] a second input node")
      case .layer(let layer):
        (values[i], pullbacks[i]) = layer.valueWithPullback(
          at: values[node.sources[0]]!, scope: scope)
      case .merge(let layer):
        (values[i], mergePullbacks[i]) = layer.valueWithPullback(
          at: node.sources.map { values[$0]! })
      }
      for s in node.sources {
        remaining[s] -= 1
        if remaining[s] == 0 { values[s] = nil }
      }
    }
    let outputValues = outputs.map { values[$0]! }
    let nodes = self.nodes
    let outputs = self.outputs
    let inputShape = input.shape
    let pullback: NetworkPullback = { seeds in
      precondition(
        seeds.count == outputs.count,
        "[Network backward] \(seeds.count) output gradients for \(outputs.count) outputs")
      var gradients = [Tensor?](repeating: nil, count: nodes.count)
      for (o, seed) in zip(outputs, seeds) {
        if let seed { Network.accumulate(seed, into: &gradients[o]) }
      }
      var parameters = scope == .inputAndParameters ? NetworkGradient() : nil
      for i in stride(from: nodes.count - 1, to: 0, by: -1) {
        guard let dy = gradients[i] else { continue }
        gradients[i] = nil
        let sources = nodes[i].sources
        if let layerPullback = pullbacks[i] {
          let (dx, dParameters) = layerPullback(dy)
          Network.accumulate(dx, into: &gradients[sources[0]])
          if let dParameters, case .layer(let layer) = nodes[i].operation {
            parameters?.record(dParameters, ofLayer: layer, named: nodes[i].name)
          }
        } else if let mergePullback = mergePullbacks[i] {
          for (s, dx) in zip(sources, mergePullback(dy)) {
            Network.accumulate(dx, into: &gradients[s])
          }
        }
      }
      return (gradients[0] ?? Tensor(zeros: inputShape), parameters)
    }
    return (outputValues, pullback)
  }

  /// `gradient += dx`, or `gradient = dx` when there is none yet (a value read by several
  /// consumers receives the sum of their gradients).
  private static func accumulate(_ dx: Tensor, into gradient: inout Tensor?) {
    if gradient == nil {
      gradient = dx
    } else {
      gradient! += dx
    }
  }

  // MARK: - Parameters

  /// Every parameter of every layer, in layer order, parameters sorted by name within a layer.
  public var parameterList: [NetworkParameter] {
    nodes.dropFirst().flatMap { node -> [NetworkParameter] in
      guard case .layer(let layer) = node.operation else { return [] }
      return layer.parameters.sorted { $0.key < $1.key }.map {
        NetworkParameter(layer: node.name, name: $0.key, shape: $0.value.shape)
      }
    }
  }

  /// The parameters of the layer `layer`, by name (nil if there is no such layer).
  public func parameters(ofLayer layer: String) -> [String: Tensor]? {
    guard let i = indexByName[layer] else { return nil }
    guard case .layer(let l) = nodes[i].operation else { return [:] }
    return l.parameters
  }

  /// The layer named `name` (nil for an unknown name or a merge).
  public func layer(named name: String) -> (any Layer)? {
    guard let i = indexByName[name], case .layer(let l) = nodes[i].operation else { return nil }
    return l
  }

  /// Replaces one parameter of one layer.
  /// - Throws: `LayerParameterError.unknownLayer` for an unknown layer name, and the layer's
  ///   `unknownParameter` / `shapeMismatch` errors.
  public mutating func setParameter(layer: String, name: String, to value: Tensor) throws {
    guard let i = indexByName[layer] else { throw LayerParameterError.unknownLayer(name: layer) }
    guard case .layer(var l) = nodes[i].operation else {
      throw LayerParameterError.unknownParameter(name: name, known: [])
    }
    try l.setParameter(name, to: value)
    nodes[i].operation = .layer(l)
  }
}
