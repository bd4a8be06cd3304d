/// A font could not be found or used for drawing text.
public enum TextRenderingError: Error, Equatable, CustomStringConvertible {
  /// No font file called `fileName` in any of the `searched` folders.
  case fontNotFound(fileName: String, searched: [String])
  /// FreeType refused the font file (missing, unreadable, not a font, or no glyph outlines).
  /// `code` is FreeType's `FT_Error` value.
  case cannotLoadFont(path: String, operation: String, code: Int32)
  /// FreeType could not render the glyph for the Unicode scalar `scalar` (U+XXXX) of `path`.
  case cannotRenderGlyph(path: String, scalar: UInt32, reason: String)

  /// The Debian package that installs the DejaVu fonts.
  public static let fontPackage = "fonts-dejavu-core"

  /// A one-line message naming the font file and the problem.
  public var description: String {
    switch self {
    case .fontNotFound(let fileName, let searched):
      return "font \(fileName) not found; searched: \(searched.joined(separator: ", ")). "
        + "Install it with: apt-get install \(TextRenderingError.fontPackage)"
    case .cannotLoadFont(let path, let operation, let code):
      return "cannot load font \(path): FreeType \(operation) failed with error \(code)"
    case .cannotRenderGlyph(let path, let scalar, let reason):
      let hex = String(scalar, radix: 16, uppercase: true)
      return "cannot render U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex) "
        + "with font \(path): \(reason)"
    }
  }
}
