import FaceTensor

/// Why an `MTCNN` detector could not be created: its weights file or its options.
public enum MTCNNError: Error, Equatable, CustomStringConvertible {
  /// The weights file bundled with FaceNets (`mtcnn_weights.h5`) is not in the resource bundle.
  case bundledWeightsMissing
  /// The bundled weights file is unreadable or its SHA-256 is not the shipped file's.
  case damagedBundledWeights(BundledResourceError)
  /// A weight holds `count` NaN or infinite values (the first at row-major index `firstIndex`).
  case nonFiniteWeight(file: String, path: String, count: Int, firstIndex: Int)
  /// The weights file could not be read as HDF5 (missing, not HDF5, corrupt, a missing group or
  /// attribute, a non-float dataset).
  case unreadableWeights(HDF5Error)
  /// A network's group lists a layer with weights that the network does not have.
  case unexpectedLayer(file: String, network: String, layer: String)
  /// A layer of a network that has weights is not listed in the network's group.
  case missingLayer(file: String, network: String, layer: String)
  /// A layer lists a weight its layer type does not have (`path` is the dataset).
  case unexpectedWeight(file: String, path: String)
  /// A layer's parameter is not among its `weight_names`.
  case missingWeight(file: String, network: String, layer: String, parameter: String)
  /// A weight has another shape than the network's layer expects.
  case shapeMismatch(file: String, path: String, expected: [Int], actual: [Int])
  /// An option is outside its valid range: `rule` says what is allowed.
  case invalidOption(name: String, value: String, rule: String)

  /// One sentence naming the file and the place in it, or the option and the value.
  public var description: String {
    switch self {
    case .bundledWeightsMissing:
      return "FaceNets' resource bundle has no mtcnn_weights.h5 (the package was built without it)"
    case .damagedBundledWeights(let error):
      return error.description
    case .nonFiniteWeight(let file, let path, let count, let firstIndex):
      return "\(file): '\(path)' holds \(count) NaN or infinite "
        + (count == 1 ? "value" : "values") + " (the first at index \(firstIndex))"
    case .unreadableWeights(let error):
      return error.description
    case .unexpectedLayer(let file, let network, let layer):
      return "\(file): '/\(network)' lists layer '\(layer)', which \(network) does not have"
    case .missingLayer(let file, let network, let layer):
      return "\(file): '/\(network)' has no weights for layer '\(layer)'"
    case .unexpectedWeight(let file, let path):
      return "\(file): '\(path)' is not a parameter of its layer"
    case .missingWeight(let file, let network, let layer, let parameter):
      return "\(file): '/\(network)/\(layer)' has no weight '\(parameter)'"
    case .shapeMismatch(let file, let path, let expected, let actual):
      let hint =
        expected.count == actual.count && expected.sorted() == actual.sorted()
        ? " (the same sizes in another order: the weights must be in the Keras layout, "
          + "kernels [KH, KW, C, OC] and [in, out])" : ""
      return "\(file): '\(path)' has shape \(actual), expected \(expected)\(hint)"
    case .invalidOption(let name, let value, let rule):
      return "\(name) must be \(rule), got \(value)"
    }
  }
}
