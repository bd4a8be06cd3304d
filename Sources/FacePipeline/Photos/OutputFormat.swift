import Foundation

/// The file format an adversarial photo is saved in: lossless PNG, or JPEG at the quality the
/// attack was made to survive.
public enum OutputFormat: Sendable, Equatable {
  case png
  case jpeg(quality: Int)

  /// The format for `path` (by extension), given the JPEG quality the attack optimised for.
  ///
  /// A JPEG output is refused unless the attack was made for JPEG re-encoding: saving an attack
  /// made on exact pixels as JPEG would destroy it. A PNG output is always allowed.
  /// - Throws: `PipelineError.lossyOutput` or `.unsupportedOutput`.
  public init(path: URL, jpegQuality: Int?) throws(PipelineError) {
    switch path.pathExtension.lowercased() {
    case "png":
      self = .png
    case "jpg", "jpeg":
      guard let jpegQuality else { throw .lossyOutput(path: path.path) }
      self = .jpeg(quality: jpegQuality)
    default:
      throw .unsupportedOutput(path: path.path)
    }
  }

  /// The format of `output`, after checking that it is not `input` (by their canonical paths:
  /// `.`, `..` and symbolic links resolved).
  /// - Throws: `PipelineError.outputIsInput`, and the errors of `init(path:jpegQuality:)`.
  public static func checked(output: URL, input: URL, jpegQuality: Int?) throws(PipelineError)
    -> OutputFormat
  {
    let canonical = { (url: URL) in url.standardizedFileURL.resolvingSymlinksInPath().path }
    guard canonical(output) != canonical(input) else { throw .outputIsInput(path: output.path) }
    return try OutputFormat(path: output, jpegQuality: jpegQuality)
  }
}
