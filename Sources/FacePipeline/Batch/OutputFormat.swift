import Foundation

/// The file format an adversarial photo is saved in: lossless PNG, or JPEG at the quality the
/// attack was made to survive.
public enum OutputFormat: Sendable, Equatable {
  case png
  case jpeg(quality: Int)

  /// The format for `path` (by extension), given the `--jpeg-quality` the attack optimised for.
  ///
  /// A JPEG output is refused unless the attack was made for JPEG re-encoding: saving an attack
  /// made on exact pixels as JPEG would destroy it. A PNG output is always allowed.
  /// - Throws: `BatchError.lossyOutput` or `.unsupportedOutput`.
  public init(path: URL, jpegQuality: Int?) throws {
    switch path.pathExtension.lowercased() {
    case "png":
      self = .png
    case "jpg", "jpeg":
      guard let jpegQuality else {
        throw BatchError.lossyOutput(
          path: path.path,
          reason: "JPEG output is lossy and would undo the perturbation; write a .png, "
            + "or pass --jpeg-quality Q to make the attack survive JPEG at quality Q")
      }
      self = .jpeg(quality: jpegQuality)
    default:
      throw BatchError.unsupportedOutput(path: path.path)
    }
  }
}
