import Foundation

/// Reads a one-dimensional NumPy `.npy` array of strings.
///
/// Format versions 1.0–3.0; dtype `U` (UTF-32 code points, either byte order, as `np.save`
/// writes a unicode array such as keras-vggface's `rcmalli_vggface_labels_v2.npy`) or `S` (bytes,
/// read as UTF-8). Trailing NUL padding is removed. Object arrays (`|O`, which need pickle) are
/// refused.
enum NumPyStringArray {
  /// The longest string accepted, in characters (keras-vggface's longest label has 36).
  static let maxStringLength = 4096

  /// The strings of the `.npy` file `data` (named `file` in errors).
  /// - Throws: `LabelsError.unsupportedNumPy` for anything but a complete 1-D string array whose
  ///   header describes the data exactly (a negative or overflowing count, or data longer or
  ///   shorter than declared, is refused before anything is allocated).
  static func strings(in data: Data, file: String) throws(LabelsError) -> [String] {
    let bytes = [UInt8](data)
    func fail(_ reason: String) -> LabelsError { .unsupportedNumPy(file: file, reason: reason) }
    guard bytes.count >= 10, isNumPy(data) else { throw fail("not a NumPy .npy file") }
    let major = bytes[6]
    let headerStart = major == 1 ? 10 : 12
    guard (1...3).contains(major), bytes.count >= headerStart else {
      throw fail("unsupported .npy format version \(major).\(bytes[7])")
    }
    let headerLength =
      major == 1
      ? Int(bytes[8]) | Int(bytes[9]) << 8
      : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
    let dataStart = headerStart + headerLength
    guard dataStart <= bytes.count,
      let header = String(
        bytes: bytes[headerStart..<dataStart], encoding: major == 3 ? .utf8 : .isoLatin1)
    else { throw fail("the .npy header is truncated") }
    guard let descr = quotedValue(of: "descr", in: header),
      let shapeText = tupleValue(of: "shape", in: header)
    else {
      throw fail(
        "the .npy header has no 'descr' or 'shape': \(header.trimmingCharacters(in: .whitespacesAndNewlines))"
      )
    }
    if descr.hasSuffix("O") {
      throw fail(
        "the array holds Python objects (dtype '\(descr)', stored with pickle), not strings; "
          + "save it with np.save(path, np.array(names, dtype=str))")
    }
    let shape = shapeText.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
    guard shape.count == 1, let count = Int(shape[0]), count >= 0 else {
      throw fail("the array has shape (\(shapeText)), expected one dimension of 0 or more strings")
    }
    guard let kind = descr.dropFirst().first, kind == "U" || kind == "S",
      let width = Int(descr.dropFirst(2)), width > 0, width <= maxStringLength
    else {
      throw fail(
        "dtype '\(descr)' is not a string type ('U' or 'S') of 1 to \(maxStringLength) characters")
    }
    let bigEndian = descr.first == ">"
    let itemSize = kind == "U" ? 4 * width : width
    let available = bytes.count - dataStart
    // The header must describe the data exactly: a count whose size overflows, or that needs
    // more or fewer bytes than follow the header, is a damaged file.
    let (needed, overflow) = count.multipliedReportingOverflow(by: itemSize)
    guard !overflow, needed == available else {
      let expected = overflow ? "more than \(Int.max)" : "\(needed)"
      let strings = count == 1 ? "1 string" : "\(count) strings"
      throw fail(
        "the header declares \(strings) of \(itemSize) bytes (\(expected) bytes), but "
          + "\(available) bytes follow it")
    }
    var strings: [String] = []
    strings.reserveCapacity(count)
    for i in 0..<count {
      let item = bytes[(dataStart + i * itemSize)..<(dataStart + (i + 1) * itemSize)]
      if kind == "S" {
        let used = item.prefix(while: { $0 != 0 })
        guard let text = String(bytes: used, encoding: .utf8) else {
          throw fail("string \(i) is not UTF-8")
        }
        strings.append(text)
      } else {
        var scalars = String.UnicodeScalarView()
        for c in 0..<width {
          let o = item.startIndex + 4 * c
          let b = (item[o], item[o + 1], item[o + 2], item[o + 3])
          let value =
            bigEndian
            ? UInt32(b.0) << 24 | UInt32(b.1) << 16 | UInt32(b.2) << 8 | UInt32(b.3)
            : UInt32(b.3) << 24 | UInt32(b.2) << 16 | UInt32(b.1) << 8 | UInt32(b.0)
          if value == 0 { break }
          guard let scalar = Unicode.Scalar(value) else {
            throw fail("string \(i) holds an invalid code point \(value)")
          }
          scalars.append(scalar)
        }
        strings.append(String(scalars))
      }
    }
    return strings
  }

  /// Whether `data` starts with the `.npy` magic `\x93NUMPY`.
  static func isNumPy(_ data: Data) -> Bool {
    data.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59])
  }

  /// The quoted string value of `key` in a Python dict literal: `'descr': '<U21'` → `<U21`.
  private static func quotedValue(of key: String, in header: String) -> String? {
    guard let keyRange = header.range(of: "'\(key)'") else { return nil }
    let rest = header[keyRange.upperBound...]
    guard let open = rest.firstIndex(where: { $0 == "'" || $0 == "\"" }) else { return nil }
    let quote = rest[open]
    let afterOpen = rest.index(after: open)
    guard let close = rest[afterOpen...].firstIndex(of: quote) else { return nil }
    return String(rest[afterOpen..<close])
  }

  /// The inside of the tuple value of `key`: `'shape': (7,)` → `7,`.
  private static func tupleValue(of key: String, in header: String) -> String? {
    guard let keyRange = header.range(of: "'\(key)'") else { return nil }
    let rest = header[keyRange.upperBound...]
    guard let open = rest.firstIndex(of: "("), let close = rest[open...].firstIndex(of: ")") else {
      return nil
    }
    return String(rest[rest.index(after: open)..<close])
  }
}
