/// A report could not be drawn or written.
public enum ReportError: Error, Equatable, CustomStringConvertible {
  /// The report's file name ends in neither `.png` nor `.html`/`.htm`.
  case unsupportedExtension(path: String)
  /// Writing the page failed; nothing was created or changed at `path`.
  case cannotWrite(path: String, reason: String)
  /// The text could not be drawn (a font missing or unusable).
  case text(TextRenderingError)
  /// A picture could not be encoded or written (the `ImageIOError` names the file).
  case image(ImageIOError)

  /// A one-line message naming the file and the problem.
  public var description: String {
    switch self {
    case .unsupportedExtension(let path):
      return "cannot write report \(path): the file name must end in .png or .html"
    case .cannotWrite(let path, let reason):
      return "cannot write report \(path): \(reason)"
    case .text(let error):
      return error.description
    case .image(let error):
      return error.description
    }
  }
}
