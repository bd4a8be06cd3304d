import FaceTensor

/// A weights file could not be mapped onto a model: unreadable, not a Keras weights file, or its
/// weights do not fit the model's layers (each problem listed).
public enum WeightLoadingError: Error, Equatable, CustomStringConvertible {
  /// The HDF5 file could not be opened or read (the `HDF5Error` names the file and object).
  case unreadable(HDF5Error)
  /// The file has no `layer_names` attribute on `/` or `/model_weights`.
  case notKerasWeights(file: String)
  /// Some weights are missing, unexpected or of the wrong shape; `hint` says what the file looks
  /// like when that is known (e.g. another architecture).
  case mismatch(file: String, problems: [WeightProblem], hint: String?)

  /// At most this many problems are spelled out in the message; the rest are counted.
  public static let listedProblemLimit = 8

  /// One sentence starting with the file path.
  public var description: String {
    switch self {
    case .unreadable(let error):
      return error.description
    case .notKerasWeights(let file):
      return "\(file): not a Keras weights file (no 'layer_names' attribute on '/' or "
        + "'/model_weights')"
    case .mismatch(let file, let problems, let hint):
      let listed = problems.prefix(WeightLoadingError.listedProblemLimit).map(\.description)
      var text: String
      if problems.count == 1 {
        text = "\(file): \(listed[0])"
      } else {
        text =
          "\(file): \(problems.count) weights do not fit the model: "
          + listed.joined(separator: "; ")
        let more = problems.count - listed.count
        if more > 0 { text += "; and \(more) more" }
      }
      if let hint { text += ". Hint: \(hint)" }
      return text
    }
  }
}

/// One weight of a file that does not fit the model, named as in the file's `weight_names`
/// (`conv1/7x7_s2/kernel:0`); a missing weight is named the way Keras names it.
public enum WeightProblem: Equatable, Sendable, CustomStringConvertible {
  /// The model needs this weight with this shape; the file does not have it.
  case missing(weight: String, expected: [Int])
  /// The file has this weight (of this shape); the model has no place for it.
  case unexpected(weight: String, shape: [Int])
  /// The file's weight has another shape than the model's parameter.
  case misshaped(weight: String, shape: [Int], expected: [Int])
  /// The file's weight holds `count` NaN or infinite values, the first at row-major index
  /// `firstIndex`.
  case nonFinite(weight: String, count: Int, firstIndex: Int)

  /// The problem as a clause starting with the quoted weight name.
  public var description: String {
    switch self {
    case .missing(let weight, let expected):
      return "'\(weight)' is missing (expected shape \(expected))"
    case .unexpected(let weight, let shape):
      return "'\(weight)' (shape \(shape)) is not part of the model"
    case .misshaped(let weight, let shape, let expected):
      return "'\(weight)' has shape \(shape), expected \(expected)"
    case .nonFinite(let weight, let count, let firstIndex):
      return "'\(weight)' holds \(count) NaN or infinite "
        + (count == 1 ? "value" : "values") + " (the first at index \(firstIndex))"
    }
  }
}
