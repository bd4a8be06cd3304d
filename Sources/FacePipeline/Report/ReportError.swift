/// A report could not be written.
public enum ReportError: Error, Equatable, CustomStringConvertible {
  /// The report's file name ends in neither `.png` nor `.html`/`.htm`.
  case unsupportedExtension(path: String)
  /// Writing the file failed; nothing was created or changed at `path`.
  case cannotWrite(path: String, reason: String)

  /// A one-line message naming the file and the problem.
  public var description: String {
    switch self {
    case .unsupportedExtension(let path):
      return "cannot write report \(path): the file name must end in .png or .html"
    case .cannotWrite(let path, let reason):
      return "cannot write report \(path): \(reason)"
    }
  }
}
