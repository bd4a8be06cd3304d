import FaceTensor

/// A node of a network under construction: the network input, or the output of one named layer.
public struct NetworkNode: Hashable, Sendable {
  /// Position in topological (insertion) order; the input is 0.
  public let index: Int
}

/// What a node computes.
enum NodeOperation: Sendable {
  case input
  case layer(any Layer)
  case merge(any MergeLayer)
}

/// One node of a network: its name, operation and the nodes it reads.
struct NetworkNodeRecord: Sendable {
  let name: String
  var operation: NodeOperation
  let sources: [Int]
}

/// Builds a `Network` one layer at a time, in topological order (a layer can only read nodes that
/// already exist).
///
/// ```swift
/// var builder = NetworkBuilder()
/// let conv = builder.add(Conv2D(kernelShape: [3, 3, 3, 8], padding: .same), named: "conv1", from: builder.input)
/// let relu = builder.add(ReLU(), named: "relu1", from: conv)
/// let sum = builder.add(Add(), named: "add1", from: [relu, builder.input])   // fan-out of input
/// let network = builder.build(outputs: [sum])
/// ```
public struct NetworkBuilder: Sendable {
  var nodes: [NetworkNodeRecord] = [
    NetworkNodeRecord(name: "input", operation: .input, sources: [])
  ]
  private var names: Set<String> = []

  /// A builder holding only the input node.
  public init() {}

  /// The network's single input node (an NHWC image batch, usually).
  public var input: NetworkNode { NetworkNode(index: 0) }

  /// Appends a one-input layer reading `source`; returns its node.
  /// - Precondition: `name` is unused and `source` exists in this builder.
  @discardableResult
  public mutating func add(_ layer: some Layer, named name: String, from source: NetworkNode)
    -> NetworkNode
  {
    append(name: name, operation: .layer(layer), sources: [source])
  }

  /// Appends a merge layer reading `sources` in order; returns its node.
  /// - Precondition: `name` is unused and every source exists in this builder.
  @discardableResult
  public mutating func add(
    _ layer: some MergeLayer, named name: String, from sources: [NetworkNode]
  )
    -> NetworkNode
  {
    append(name: name, operation: .merge(layer), sources: sources)
  }

  /// The finished network, whose outputs are `outputs` in this order (several for multi-head
  /// networks such as MTCNN's; a node may be listed more than once).
  /// - Precondition: at least one output, each existing in this builder.
  public func build(outputs: [NetworkNode]) -> Network {
    precondition(!outputs.isEmpty, "[NetworkBuilder] a network needs at least one output")
    for o in outputs {
      precondition(
        o.index >= 0 && o.index < nodes.count, "[NetworkBuilder] unknown output node \(o.index)")
    }
    return Network(nodes: nodes, outputs: outputs.map(\.index))
  }

  private mutating func append(name: String, operation: NodeOperation, sources: [NetworkNode])
    -> NetworkNode
  {
    precondition(
      !names.contains(name) && name != "input", "[NetworkBuilder] duplicate layer name '\(name)'")
    for s in sources {
      precondition(
        s.index >= 0 && s.index < nodes.count,
        "[NetworkBuilder] '\(name)' reads unknown node \(s.index)")
    }
    names.insert(name)
    nodes.append(NetworkNodeRecord(name: name, operation: operation, sources: sources.map(\.index)))
    return NetworkNode(index: nodes.count - 1)
  }
}
