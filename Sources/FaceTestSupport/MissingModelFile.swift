import Foundation

/// A model file that `make setup` installs (dlib's ResNet and shape predictor) is not there.
///
/// Tests that need such a file throw this error instead of being skipped, so a run without the
/// models fails with one message naming the file and the fix rather than passing quietly:
/// ```swift
/// let url = try MissingModelFile.check(resNetURL)
/// ```
/// (Tests that need `../shared` are different: `SharedData` reports them as not run.)
public struct MissingModelFile: Error, Equatable, CustomStringConvertible {
  /// The path where the file was expected.
  public let path: String

  /// The error for a file expected at `path`.
  public init(path: String) {
    self.path = path
  }

  /// `<path> is missing: run `make setup` to install the model files`.
  public var description: String {
    "\(path) is missing: run `make setup` to install the model files"
  }

  /// `url` if a file exists there.
  /// - Throws: `MissingModelFile` naming `url`'s path otherwise.
  public static func check(_ url: URL) throws(MissingModelFile) -> URL {
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw MissingModelFile(path: url.path)
    }
    return url
  }
}
