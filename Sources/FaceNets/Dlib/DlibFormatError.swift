/// A dlib `.dat` file that does not hold what FaceNets expects, or that cannot be read.
///
/// Every structural case names the file, the **byte offset** of the first byte of the field that
/// is wrong (0-based, from the start of the file), what was expected there and what was found.
public enum DlibFormatError: Error, Equatable, CustomStringConvertible {
  /// The file ends inside `expected`, which needs `needed` bytes from `offset`; only `remaining`
  /// bytes are left. A size field that claims more data than the file holds is reported this way
  /// too, before anything is allocated.
  case truncated(file: String, offset: Int, expected: String, needed: Int, remaining: Int)
  /// The control byte of an integer (or of a float's mantissa) is invalid: it announces 0 or more
  /// than 8 value bytes, or has one of the bits 0x70 set.
  case badControlByte(file: String, offset: Int, expected: String, found: UInt8)
  /// An object's version number is not the one this reader understands.
  case unknownVersion(file: String, offset: Int, object: String, expected: Int, found: Int64)
  /// A layer's version string differs from the one the network's topology has at this place.
  /// Where several versions are accepted, `expected` joins them with `' or '`.
  case unexpectedVersionString(file: String, offset: Int, expected: String, found: String)
  /// A shape or element count that cannot be right: negative, too large to represent, or unlike
  /// the shape this place requires. `found` lists the extents as stored.
  case impossibleShape(file: String, offset: Int, object: String, expected: String, found: [Int64])
  /// Any other field whose value differs from what is required.
  case unexpectedValue(file: String, offset: Int, field: String, expected: String, found: String)
  /// Bytes are left after the last object of the file.
  case trailingBytes(file: String, offset: Int, count: Int)
  /// The structure is valid but the file's SHA-256 differs from the published file's.
  case checksumMismatch(file: String, expected: String, found: String)
  /// The file could not be read at all.
  case unreadable(file: String, reason: String)
  /// A value that must be a finite number is NaN or infinite (a weight, a threshold).
  case nonFinite(file: String, offset: Int, field: String)
  /// A file of FaceNets' resource bundle is missing, unreadable or damaged.
  case damagedResource(BundledResourceError)

  /// The message: file, byte offset, what was expected and what was found.
  public var description: String {
    switch self {
    case .truncated(let file, let offset, let expected, let needed, let remaining):
      return "\(file): byte \(offset): expected \(expected) (\(bytes(needed))), found only "
        + "\(bytes(remaining)) before the end of the file"
    case .badControlByte(let file, let offset, let expected, let found):
      return "\(file): byte \(offset): expected \(expected) (an integer control byte: 1 to 8 value "
        + "bytes, bits 0x70 clear), found 0x\(hex(found))"
    case .unknownVersion(let file, let offset, let object, let expected, let found):
      return "\(file): byte \(offset): expected \(object) version \(expected), found \(found)"
    case .unexpectedVersionString(let file, let offset, let expected, let found):
      return "\(file): byte \(offset): expected version string '\(expected)', found '\(found)'"
    case .impossibleShape(let file, let offset, let object, let expected, let found):
      let shape = found.map(String.init).joined(separator: "x")
      return "\(file): byte \(offset): expected \(object) of shape \(expected), found \(shape)"
    case .unexpectedValue(let file, let offset, let field, let expected, let found):
      return "\(file): byte \(offset): expected \(field) \(expected), found \(found)"
    case .trailingBytes(let file, let offset, let count):
      return "\(file): byte \(offset): expected the end of the file, found \(count) more bytes"
    case .checksumMismatch(let file, let expected, let found):
      return "\(file): SHA-256 is \(found), expected \(expected) (the published file); "
        + "re-install it with Scripts/install_models.sh"
    case .unreadable(let file, let reason):
      return "\(file): cannot be read: \(reason)"
    case .nonFinite(let file, let offset, let field):
      return "\(file): byte \(offset): expected \(field) to be a finite number, found NaN or an "
        + "infinity"
    case .damagedResource(let error):
      return error.description
    }
  }
}

/// "1 byte", "2 bytes".
private func bytes(_ count: Int) -> String {
  count == 1 ? "1 byte" : "\(count) bytes"
}

/// Two upper-case hex digits.
private func hex(_ byte: UInt8) -> String {
  let digits = Array("0123456789ABCDEF")
  return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}
