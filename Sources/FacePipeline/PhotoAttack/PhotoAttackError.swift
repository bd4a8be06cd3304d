/// A photo could not be attacked: bad input, found before anything is written.
///
/// Every case names the file (or the name) at fault; `description` is one line.
public enum PhotoAttackError: Error, Equatable, CustomStringConvertible {
  /// The photo (or the impersonation target's photo) cannot be decoded; `reason` says why.
  case unreadableImage(file: String, reason: String)
  /// The detector found no face in the photo.
  case noFace(image: String)
  /// `faceIndex` was asked for, but the photo has only `count` faces (indices from 0).
  case faceIndexOutOfRange(image: String, index: Int, count: Int)
  /// No class of the labels file matches the target name; `suggestions` are the closest names.
  case unknownTarget(name: String, labels: String, suggestions: [String])
  /// Several classes match the target name equally well.
  case ambiguousTarget(name: String, labels: String, matches: [String])
  /// A model file is missing; `message` lists where it was looked for and how to get it.
  case missingWeights(message: String)
  /// A model or labels file exists but cannot be used; `message` names it and says why.
  case unusableModel(message: String)
  /// The output path is the input photo itself.
  case outputIsInput(path: String)
  /// The output format cannot hold the attack (a lossy format without `jpegQuality`, an unknown
  /// extension); `reason` says what to do.
  case unsupportedOutput(path: String, reason: String)
  /// The goal does not fit the model: a class name for a descriptor network, dodging for a
  /// classifier.
  case goalDoesNotFitModel(goal: String, model: String)
  /// An attack setting breaks a rule (`AttackError`'s message).
  case invalidSettings(message: String)
  /// The output could not be written; nothing was created at `path`.
  case cannotWrite(path: String, reason: String)

  /// One line naming the file and the problem.
  public var description: String {
    switch self {
    case .unreadableImage(let file, let reason):
      return reason.hasPrefix(file) ? reason : "\(file): cannot read the image: \(reason)"
    case .noFace(let image):
      return "\(image): no face found"
    case .faceIndexOutOfRange(let image, let index, let count):
      let faces = count == 1 ? "1 face" : "\(count) faces"
      return "\(image): face \(index) requested, but the image has \(faces) (indices start at 0)"
    case .unknownTarget(let name, let labels, let suggestions):
      let closest = suggestions.isEmpty ? "" : "; closest: \(suggestions.joined(separator: ", "))"
      return "\(labels): no label matches the target '\(name)'\(closest)"
    case .ambiguousTarget(let name, let labels, let matches):
      return "\(labels): the target '\(name)' matches several labels: "
        + matches.joined(separator: ", ")
    case .missingWeights(let message), .unusableModel(let message):
      return message
    case .outputIsInput(let path):
      return "\(path): the output would overwrite the input"
    case .unsupportedOutput(let path, let reason):
      return "\(path): \(reason)"
    case .goalDoesNotFitModel(let goal, let model):
      return "\(goal) does not apply to \(model)"
    case .invalidSettings(let message):
      return message
    case .cannotWrite(let path, let reason):
      return "\(path): cannot write the output: \(reason)"
    }
  }
}
