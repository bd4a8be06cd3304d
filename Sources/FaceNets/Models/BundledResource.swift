import Crypto
import FaceTensor
import Foundation

/// A file shipped in FaceNets' resource bundle, with the SHA-256 it was shipped with.
///
/// The digest is also recorded in the file's provenance note under `Sources/FaceNets/Resources/`.
/// Loaders check it before parsing, so a damaged or replaced resource is refused instead of
/// giving silently wrong detections or non-finite boxes.
public struct BundledResource: Sendable, Equatable {
  /// The file name in the bundle, such as `mtcnn_weights.h5`.
  public let fileName: String
  /// The lower-case hex SHA-256 of the shipped file.
  public let sha256: String

  /// Resources are small; anything larger is refused before it is read.
  static let maxFileSize = 16 << 20

  /// A resource called `fileName` whose bytes hash to `sha256`.
  public init(fileName: String, sha256: String) {
    self.fileName = fileName
    self.sha256 = sha256
  }

  /// The resource's URL in the bundle and its bytes, after checking their SHA-256.
  /// - Throws: `BundledResourceError` naming the file.
  func verifiedContents() throws(BundledResourceError) -> (url: URL, bytes: Data) {
    guard let url = Bundle.module.url(forResource: fileName, withExtension: nil) else {
      throw .missing(file: fileName)
    }
    let bytes: Data
    do throws(InputFileError) {
      bytes = try InputFile.mappedContents(
        of: url, maxSize: BundledResource.maxFileSize, what: "bundled resource")
    } catch {
      throw .unreadable(error)
    }
    try verify(bytes, at: url)
    return (url, bytes)
  }

  /// Throws `.damaged` unless `bytes` hash to `sha256`.
  func verify(_ bytes: Data, at url: URL) throws(BundledResourceError) {
    let found = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    guard found == sha256 else {
      throw .damaged(file: url.path, expected: sha256, found: found)
    }
  }
}

/// A file of FaceNets' resource bundle is missing, unreadable or not the file that was shipped.
public enum BundledResourceError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The bundle has no such file (the package was built without it).
  case missing(file: String)
  /// The file cannot be read.
  case unreadable(InputFileError)
  /// The file's SHA-256 is `found`, not the shipped `expected`.
  case damaged(file: String, expected: String, found: String)

  /// One line naming the file.
  public var description: String {
    switch self {
    case .missing(let file):
      return "FaceNets' resource bundle has no \(file) (the package was built without it)"
    case .unreadable(let error):
      return error.description
    case .damaged(let file, let expected, let found):
      return "\(file): SHA-256 is \(found), expected \(expected) (the file shipped with "
        + "FaceNets); the resource is damaged: rebuild or reinstall FaceAdversary"
    }
  }
}
