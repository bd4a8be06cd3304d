import Foundation

/// The DejaVu Sans font files the text renderer uses (Debian package `fonts-dejavu-core`).
public enum DejaVuFont: String, Sendable, CaseIterable {
  /// DejaVu Sans Book, `DejaVuSans.ttf`.
  case sans = "DejaVuSans.ttf"
  /// DejaVu Sans Bold, `DejaVuSans-Bold.ttf`.
  case sansBold = "DejaVuSans-Bold.ttf"

  /// The font's file name.
  public var fileName: String { rawValue }
}

/// Finds a font file in a list of folders, first match wins.
public struct FontLocator: Sendable, Equatable {
  /// Where Linux distributions and macOS package managers put the DejaVu fonts: Debian/Ubuntu
  /// (`fonts-dejavu-core`), Fedora, Arch and openSUSE, the local font folder, then Homebrew.
  public static let standardFolders: [URL] = [
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu-sans-fonts",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/truetype",
    "/usr/local/share/fonts",
    "/opt/homebrew/share/fonts",
  ].map { URL(fileURLWithPath: $0, isDirectory: true) }

  /// The folders searched, in order.
  public let folders: [URL]

  /// A locator searching `folders` (by default `standardFolders`).
  public init(folders: [URL] = FontLocator.standardFolders) {
    self.folders = folders
  }

  /// The first existing file named like `font` in `folders`.
  /// - Throws: `TextRenderingError.fontNotFound` listing every folder searched.
  public func locate(_ font: DejaVuFont) throws(TextRenderingError) -> URL {
    for folder in folders {
      let candidate = folder.appendingPathComponent(font.fileName)
      if FileManager.default.isReadableFile(atPath: candidate.path) { return candidate }
    }
    throw .fontNotFound(
      fileName: font.fileName, searched: folders.map { $0.path })
  }
}
