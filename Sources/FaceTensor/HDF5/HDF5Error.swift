/// A failure to read or write an HDF5 file: every case names the file (its path as given) and,
/// where there is one, the absolute object path inside it
/// (for example `/conv1/7x7_s2/conv1/7x7_s2/kernel:0`).
public enum HDF5Error: Error, Equatable, CustomStringConvertible {
  /// No file exists at the path.
  case fileNotFound(file: String)
  /// The file exists but HDF5 finds no HDF5 signature in it (a text file, an image, ...).
  case notHDF5(file: String)
  /// The file has the HDF5 signature but HDF5 cannot open it (truncated or corrupt); `reason` is
  /// HDF5's most specific message (e.g. `truncated file: eof = 8880, ...`), or the path is a
  /// directory.
  case openFailed(file: String, reason: String)
  /// Nothing exists at `path` (a missing link, or a path through a dataset).
  case objectNotFound(file: String, path: String)
  /// The object at `path` is not of the kind the operation needs.
  case wrongObjectKind(file: String, path: String, expected: HDF5ObjectKind, actual: HDF5ObjectKind)
  /// The object at `path` has no attribute called `attribute`.
  case attributeNotFound(file: String, path: String, attribute: String)
  /// A dataset (`attribute == nil`) or an attribute of the object at `path` holds elements of
  /// another datatype than the operation reads; `actual` is e.g. `int32`, `float16`, `string`.
  case wrongDatatype(
    file: String, path: String, attribute: String?, expected: String, actual: String)
  /// An attribute read as one value holds `shape`, which is not exactly one element.
  case notScalar(file: String, path: String, attribute: String, shape: [Int])
  /// HDF5 failed while reading the object at `path`; `reason` is its most specific message.
  case readFailed(file: String, path: String, reason: String)
  /// The dataset (`attribute == nil`) or attribute declares `shape`, whose element count
  /// overflows `Int` or exceeds `limit`; nothing was allocated or read.
  case tooManyElements(file: String, path: String, attribute: String?, shape: [Int], limit: Int)
  /// The dataset at `path` declares another shape than the one its reader needs; nothing was
  /// read.
  case unexpectedShape(file: String, path: String, expected: [Int], actual: [Int])
  /// The float dataset at `path` holds `count` NaN or infinite values (the first at row-major
  /// index `firstIndex`).
  case nonFiniteValues(file: String, path: String, count: Int, firstIndex: Int)
  /// The file could not be opened as a file at all (missing, not a regular file, no permission,
  /// too large); the `InputFileError` names the file.
  case unusableFile(InputFileError)
  /// HDF5 (or the final rename) failed while writing the object at `path`.
  case writeFailed(file: String, path: String, reason: String)

  /// One sentence starting with the file path.
  public var description: String {
    switch self {
    case .fileNotFound(let file):
      return "\(file): no such file"
    case .notHDF5(let file):
      return "\(file): not an HDF5 file (no HDF5 signature found)"
    case .openFailed(let file, let reason):
      return "\(file): HDF5 cannot open the file: \(reason)"
    case .objectNotFound(let file, let path):
      return "\(file): no object at '\(path)'"
    case .wrongObjectKind(let file, let path, let expected, let actual):
      return "\(file): '\(path)' is a \(actual), expected a \(expected)"
    case .attributeNotFound(let file, let path, let attribute):
      return "\(file): '\(path)' has no attribute '\(attribute)'"
    case .wrongDatatype(let file, let path, nil, let expected, let actual):
      return "\(file): dataset '\(path)' holds \(actual), expected \(expected)"
    case .wrongDatatype(let file, let path, let attribute?, let expected, let actual):
      return "\(file): attribute '\(attribute)' of '\(path)' holds \(actual), expected \(expected)"
    case .notScalar(let file, let path, let attribute, let shape):
      return "\(file): attribute '\(attribute)' of '\(path)' has shape \(shape), expected one value"
    case .readFailed(let file, let path, let reason):
      return "\(file): cannot read '\(path)': \(reason)"
    case .tooManyElements(let file, let path, let attribute, let shape, let limit):
      let object = attribute.map { "attribute '\($0)' of '\(path)'" } ?? "dataset '\(path)'"
      let count =
        Tensor.checkedElementCount(of: shape).map { "\($0) elements" }
        ?? "more elements than an Int can count"
      return "\(file): \(object) declares shape \(shape) (\(count)), over the limit of \(limit) "
        + "elements; nothing was read"
    case .unexpectedShape(let file, let path, let expected, let actual):
      return "\(file): '\(path)' has shape \(actual), expected \(expected); nothing was read"
    case .nonFiniteValues(let file, let path, let count, let firstIndex):
      return "\(file): '\(path)' holds \(count) NaN or infinite "
        + (count == 1 ? "value" : "values") + " (the first at index \(firstIndex))"
    case .unusableFile(let error):
      return error.description
    case .writeFailed(let file, let path, let reason):
      return "\(file): cannot write '\(path)': \(reason)"
    }
  }
}
