import Foundation

/// The image file formats FaceTensor reads and writes.
///
/// A file's format is recognised from its first bytes (its signature), never from its name.
public enum ImageFormat: String, Sendable, Equatable, CustomStringConvertible {
  /// Portable Network Graphics: signature `89 50 4E 47 0D 0A 1A 0A`.
  case png
  /// JPEG (JFIF, Exif, Adobe): starts with the SOI marker `FF D8` followed by a marker `FF`.
  case jpeg

  /// The format's usual name, "PNG" or "JPEG".
  public var description: String { rawValue.uppercased() }

  /// The format whose signature begins `data`, or `nil` if neither matches (including empty data).
  public init?(signatureOf data: Data) {
    if data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
      self = .png
    } else if data.starts(with: [0xFF, 0xD8, 0xFF]) {
      self = .jpeg
    } else {
      return nil
    }
  }
}
