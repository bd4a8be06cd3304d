import Crypto
import Foundation

/// The SHA-256 of a photo file: its identity in an evaluation (a renamed copy is the same photo).
public enum PhotoDigest {
  /// Lower-case hex SHA-256 of the bytes of the file at `url`.
  /// - Throws: `PipelineError.unreadableImage` when the file is missing or cannot be read.
  public static func sha256(of url: URL) throws(PipelineError) -> String {
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw .unreadableImage(.fileNotFound(file: url.path))
    }
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw .unreadableImage(.unreadable(file: url.path, reason: "cannot be read"))
    }
    return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
  }
}
