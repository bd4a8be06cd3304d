import Foundation

/// The kind of report file, chosen by the file name's extension.
public enum ReportFormat: Sendable, Equatable {
  /// One picture, `.png`: see `ReportImageRenderer`.
  case png
  /// One self-contained page, `.html` or `.htm`: see `ReportHTMLRenderer`.
  case html

  /// The format for `url`'s extension (case-insensitive).
  /// - Throws: `ReportError.unsupportedExtension` for any other extension.
  public init(of url: URL) throws(ReportError) {
    switch url.pathExtension.lowercased() {
    case "png": self = .png
    case "html", "htm": self = .html
    default: throw .unsupportedExtension(path: url.path)
    }
  }
}

extension AttackReport {
  /// Writes the report to `url` as a PNG picture or an HTML page, by its extension, atomically.
  /// - Parameter locator: where to find the DejaVu fonts (PNG only).
  /// - Throws: `ReportError`: `.unsupportedExtension`, `.cannotWrite`, `.text` (fonts),
  ///   `.image` (PNG encoding or writing).
  public func write(to url: URL, locator: FontLocator = FontLocator()) throws(ReportError) {
    switch try ReportFormat(of: url) {
    case .png:
      let renderer: ReportImageRenderer
      do {
        renderer = try ReportImageRenderer(locator: locator)
      } catch {
        throw .text(error)
      }
      try renderer.write(self, to: url)
    case .html: try ReportHTMLRenderer().write(self, to: url)
    }
  }
}
