/// A labels file could not be read, or a name could not be found in it.
public enum LabelsError: Error, Equatable, CustomStringConvertible {
  /// The file cannot be read (missing, a directory, no permission); `reason` is the system's.
  case unreadable(file: String, reason: String)
  /// The file is neither a NumPy `.npy` array nor a JSON object.
  case unrecognizedFormat(file: String)
  /// A `.npy` file this reader does not take: pickled objects, a non-string dtype, more than one
  /// dimension, or truncated data; `reason` says which.
  case unsupportedNumPy(file: String, reason: String)
  /// A JSON file that is not an object mapping each name to its class index `0..<N`.
  case invalidJSON(file: String, reason: String)
  /// The file holds no names.
  case empty(file: String)
  /// No label matches `name`; `suggestions` are the closest display names.
  case unknownName(String, file: String, suggestions: [String])
  /// Several labels match `name` equally well.
  case ambiguousName(String, file: String, matches: [String])

  /// One sentence starting with the file path.
  public var description: String {
    switch self {
    case .unreadable(let file, let reason):
      return "\(file): cannot read the labels file: \(reason)"
    case .unrecognizedFormat(let file):
      return "\(file): not a labels file (expected a NumPy .npy string array or a JSON object "
        + "mapping names to class indices)"
    case .unsupportedNumPy(let file, let reason):
      return "\(file): \(reason)"
    case .invalidJSON(let file, let reason):
      return "\(file): \(reason)"
    case .empty(let file):
      return "\(file): the labels file holds no names"
    case .unknownName(let name, let file, let suggestions):
      let closest = suggestions.isEmpty ? "" : "; closest: \(suggestions.joined(separator: ", "))"
      return "\(file): no label matches '\(name)'\(closest)"
    case .ambiguousName(let name, let file, let matches):
      return "\(file): '\(name)' matches several labels: \(matches.joined(separator: ", "))"
    }
  }
}
