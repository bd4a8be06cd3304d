/// Why an image could not be read or written.
///
/// Every case names the file (for in-memory data, the name the caller gave); `description` is a
/// one-line message that starts with it.
public enum ImageIOError: Error, Equatable, Sendable, CustomStringConvertible {
  /// There is no file at the path.
  case fileNotFound(file: String)
  /// The file exists but could not be read (a directory, no permission, an I/O error).
  case unreadable(file: String, reason: String)
  /// The data is neither PNG nor JPEG, judged by its first bytes; an empty file is not an image.
  case notAnImage(file: String)
  /// The data ends before the image is complete (a partly downloaded or cut file).
  case truncated(file: String, format: ImageFormat)
  /// The decoder rejected the data; `message` is the library's own, e.g. libpng's
  /// `IDAT: CRC error` or libjpeg's `Corrupt JPEG data: ...`.
  case corrupt(file: String, format: ImageFormat, message: String)
  /// Well-formed data in a variant this decoder does not handle (e.g. a 12-bit JPEG).
  case unsupportedVariant(file: String, format: ImageFormat, message: String)
  /// The header declares a size beyond `limits`; nothing was decoded or allocated.
  case tooLarge(file: String, width: Int, height: Int, limits: ImageLimits)
  /// Encoding or writing failed; the destination was neither created nor changed.
  case writeFailed(file: String, reason: String)

  /// A one-line message naming the file and the problem.
  public var description: String {
    switch self {
    case .fileNotFound(let file):
      return "\(file): no such file"
    case .unreadable(let file, let reason):
      return "\(file): cannot read the file: \(reason)"
    case .notAnImage(let file):
      return "\(file): not an image (the data starts with neither a PNG nor a JPEG signature)"
    case .truncated(let file, let format):
      return "\(file): truncated \(format) data: the file ends before the image is complete"
    case .corrupt(let file, let format, let message):
      return "\(file): the \(format) decoder rejected the data: \(message)"
    case .unsupportedVariant(let file, let format, let message):
      return "\(file): unsupported \(format) variant: \(message)"
    case .tooLarge(let file, let width, let height, let limits):
      return "\(file): the header declares \(width)x\(height) pixels, over the limit of "
        + "\(limits.maxPixels) pixels and \(limits.maxSide) per side; the image was not decoded"
    case .writeFailed(let file, let reason):
      return "\(file): cannot write the image: \(reason)"
    }
  }
}
