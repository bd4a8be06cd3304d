/// Reads the primitive encodings of dlib's `serialize.h` from the bytes of one file, front to
/// back (see `../shared/docs/dlib-resnet-format.md`, section 1).
///
/// Every read checks the bytes it needs against the bytes left **before** it allocates, so a
/// damaged size field can never cause a large allocation; every failure is a `DlibFormatError`
/// naming the file and the byte offset of the field that is wrong. `what` arguments name the
/// field for those messages ("conv num_filters", "tensor version").
struct DlibDecoder {
  /// The file name quoted in errors.
  let fileName: String
  /// The offset of the next byte to read.
  private(set) var offset: Int
  private let bytes: [UInt8]

  /// A decoder positioned at the first byte.
  init(bytes: [UInt8], fileName: String) {
    self.bytes = bytes
    self.fileName = fileName
    self.offset = 0
  }

  /// Bytes not read yet.
  var remaining: Int { bytes.count - offset }

  /// Throws `trailingBytes` unless every byte has been read.
  func requireEnd() throws(DlibFormatError) {
    if remaining != 0 {
      throw DlibFormatError.trailingBytes(file: fileName, offset: offset, count: remaining)
    }
  }

  // MARK: - Raw bytes

  /// Checks that `count` bytes are left for `what`, starting at `start`.
  func requireBytes(_ count: Int, for what: String, startingAt start: Int) throws(DlibFormatError) {
    if count > bytes.count - start {
      throw DlibFormatError.truncated(
        file: fileName, offset: start, expected: what, needed: count,
        remaining: bytes.count - start)
    }
  }

  /// Consumes one byte.
  mutating func readByte(_ what: String) throws(DlibFormatError) -> UInt8 {
    try requireBytes(1, for: what, startingAt: offset)
    defer { offset += 1 }
    return bytes[offset]
  }

  // MARK: - Integers (section 1.1)

  /// Reads an integer: a control byte (bit 7 = negative, bits 0-3 = n value bytes, 1...8, bits
  /// 4-6 clear), then n bytes of the magnitude, least significant first.
  /// - Throws: `badControlByte`, `truncated` (at the control byte, needing 1 + n bytes), or
  ///   `unexpectedValue` if the magnitude does not fit an `Int64`.
  mutating func readInteger(_ what: String) throws(DlibFormatError) -> Int64 {
    let start = offset
    let control = try readByte(what)
    let count = Int(control & 0x0F)
    guard count >= 1, count <= 8, control & 0x70 == 0 else {
      throw DlibFormatError.badControlByte(
        file: fileName, offset: start, expected: what, found: control)
    }
    try requireBytes(1 + count, for: what, startingAt: start)
    var magnitude: UInt64 = 0
    for i in (0..<count).reversed() {
      magnitude = magnitude << 8 | UInt64(bytes[offset + i])
    }
    offset += count
    let isNegative = control & 0x80 != 0
    if isNegative, magnitude == UInt64(Int64.max) + 1 { return Int64.min }
    guard magnitude <= UInt64(Int64.max) else {
      throw DlibFormatError.unexpectedValue(
        file: fileName, offset: start, field: what, expected: "to fit a 64-bit integer",
        found: "magnitude \(magnitude)")
    }
    return isNegative ? -Int64(magnitude) : Int64(magnitude)
  }

  /// Reads an integer that must lie in `range`.
  /// - Throws: `unexpectedValue` (at the integer's first byte) if it is outside.
  mutating func readInteger(_ what: String, in range: ClosedRange<Int64>) throws(DlibFormatError)
    -> Int
  {
    let start = offset
    let value = try readInteger(what)
    guard range.contains(value) else {
      throw DlibFormatError.unexpectedValue(
        file: fileName, offset: start, field: what,
        expected: "in \(range.lowerBound)...\(range.upperBound)", found: "\(value)")
    }
    return Int(value)
  }

  /// Reads an integer that must equal `expected`.
  mutating func expectInteger(_ what: String, equals expected: Int64) throws(DlibFormatError) {
    let start = offset
    let value = try readInteger(what)
    if value != expected {
      throw DlibFormatError.unexpectedValue(
        file: fileName, offset: start, field: what, expected: "= \(expected)", found: "\(value)")
    }
  }

  /// Reads an object's version integer, which must equal `expected`.
  mutating func expectVersion(of object: String, equals expected: Int) throws(DlibFormatError) {
    let start = offset
    let value = try readInteger("\(object) version")
    if value != Int64(expected) {
      throw DlibFormatError.unknownVersion(
        file: fileName, offset: start, object: object, expected: expected, found: value)
    }
  }

  /// Reads the element count of a `std::vector` (or string) whose elements take at least
  /// `minimumBytesPerElement` bytes each, and checks that the bytes left can hold them.
  /// - Throws: `unexpectedValue` for a negative count, `truncated` if the elements cannot fit.
  mutating func readCount(_ what: String, minimumBytesPerElement: Int) throws(DlibFormatError)
    -> Int
  {
    let start = offset
    let value = try readInteger("\(what) count")
    guard value >= 0 else {
      throw DlibFormatError.unexpectedValue(
        file: fileName, offset: start, field: "\(what) count", expected: ">= 0", found: "\(value)")
    }
    let (needed, overflow) = value.multipliedReportingOverflow(by: Int64(minimumBytesPerElement))
    if overflow || needed > Int64(remaining) {
      throw DlibFormatError.truncated(
        file: fileName, offset: offset, expected: "\(value) \(what) elements",
        needed: overflow ? Int.max : Int(needed), remaining: remaining)
    }
    return Int(value)
  }

  // MARK: - Floating point (section 1.2)

  /// Reads the mantissa and exponent of a binary float; the old ASCII encoding (first byte with
  /// a bit of 0x70 set) is refused as a bad control byte.
  private mutating func readMantissaAndExponent(_ what: String) throws(DlibFormatError) -> (
    Int64, Int
  ) {
    let mantissa = try readInteger("\(what) (mantissa)")
    let exponent = try readInteger("\(what) (exponent)", in: Int64(Int16.min)...Int64(Int16.max))
    return (mantissa, exponent)
  }

  /// Reads a C++ `float`: mantissa then exponent, value `mantissa * 2^exponent`, computed as
  /// dlib does (`ldexp((float)mantissa, exponent)`); exponents 32000, 32001, 32002 are +inf, -inf
  /// and NaN.
  mutating func readFloat(_ what: String) throws(DlibFormatError) -> Float {
    let (mantissa, exponent) = try readMantissaAndExponent(what)
    switch exponent {
    case ..<32000: return Float(sign: .plus, exponent: exponent, significand: Float(mantissa))
    case 32000: return .infinity
    case 32001: return -.infinity
    default: return .nan
    }
  }

  /// Reads a C++ `double`, encoded as `readFloat` describes.
  mutating func readDouble(_ what: String) throws(DlibFormatError) -> Double {
    let (mantissa, exponent) = try readMantissaAndExponent(what)
    switch exponent {
    case ..<32000: return Double(sign: .plus, exponent: exponent, significand: Double(mantissa))
    case 32000: return .infinity
    case 32001: return -.infinity
    default: return .nan
    }
  }

  /// Reads a float (`readFloat`) that must be finite: a weight or a threshold.
  /// - Throws: `nonFinite` at the float's first byte for NaN or an infinity.
  mutating func readFiniteFloat(_ what: String) throws(DlibFormatError) -> Float {
    let start = offset
    let value = try readFloat(what)
    guard value.isFinite else {
      throw DlibFormatError.nonFinite(file: fileName, offset: start, field: what)
    }
    return value
  }

  /// Reads a double (`readDouble`) that must be finite.
  /// - Throws: `nonFinite` at the double's first byte for NaN or an infinity.
  mutating func readFiniteDouble(_ what: String) throws(DlibFormatError) -> Double {
    let start = offset
    let value = try readDouble(what)
    guard value.isFinite else {
      throw DlibFormatError.nonFinite(file: fileName, offset: start, field: what)
    }
    return value
  }

  // MARK: - Booleans and strings (section 1.3)

  /// Reads a bool: the byte '1' (0x31) or '0' (0x30).
  mutating func readBool(_ what: String) throws(DlibFormatError) -> Bool {
    let start = offset
    let byte = try readByte(what)
    switch byte {
    case 0x31: return true
    case 0x30: return false
    default:
      throw DlibFormatError.unexpectedValue(
        file: fileName, offset: start, field: what, expected: "'0' or '1'",
        found: "byte \(byte)")
    }
  }

  /// Reads a bool that must equal `expected`.
  mutating func expectBool(_ what: String, equals expected: Bool) throws(DlibFormatError) {
    let start = offset
    if try readBool(what) != expected {
      throw DlibFormatError.unexpectedValue(
        file: fileName, offset: start, field: what, expected: expected ? "'1'" : "'0'",
        found: expected ? "'0'" : "'1'")
    }
  }

  /// Reads a string: an integer length, then that many raw bytes.
  ///
  /// Bytes outside printable ASCII are shown as `\xNN`.
  /// - Throws: `unexpectedValue` if the length exceeds `maxLength`, `truncated` if the bytes are
  ///   not there.
  mutating func readString(_ what: String, maxLength: Int) throws(DlibFormatError) -> String {
    let start = offset
    let length = try readInteger("\(what) length")
    guard length >= 0, length <= Int64(maxLength) else {
      throw DlibFormatError.unexpectedValue(
        file: fileName, offset: start, field: "\(what) length",
        expected: "in 0...\(maxLength)", found: "\(length)")
    }
    try requireBytes(Int(length), for: what, startingAt: offset)
    let text = bytes[offset..<offset + Int(length)].map { byte -> String in
      (0x20..<0x7F).contains(byte) && byte != 0x5C
        ? String(UnicodeScalar(byte))
        : "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
    }.joined()
    offset += Int(length)
    return text
  }

  /// Reads a layer's or object's version string, which must equal `expected`.
  /// - Throws: `unexpectedVersionString` at the string's first byte.
  mutating func expectVersionString(_ expected: String) throws(DlibFormatError) {
    _ = try expectVersionString(oneOf: [expected])
  }

  /// Reads a version string that must be one of `accepted` (the versions of one object that a
  /// reader understands, such as `relu_` and `relu_2`) and returns it.
  /// - Throws: `unexpectedVersionString` at the string's first byte; its `expected` joins the
  ///   accepted strings with `' or '`, so that the message quotes each one.
  mutating func expectVersionString(oneOf accepted: [String]) throws(DlibFormatError) -> String {
    let start = offset
    let found: String
    do {
      found = try readString("version string", maxLength: 64)
    } catch DlibFormatError.unexpectedValue(_, _, _, _, let length) {
      found = "<a string of length \(length)>"
    }
    guard accepted.contains(found) else {
      throw DlibFormatError.unexpectedVersionString(
        file: fileName, offset: start, expected: accepted.joined(separator: "' or '"),
        found: found)
    }
    return found
  }

  // MARK: - Little-endian IEEE floats (tensor data)

  /// Reads `count` little-endian IEEE-754 float32 values.
  /// - Precondition: the caller has checked with `requireBytes` that `4 * count` bytes are left.
  mutating func readRawFloats(count: Int) -> [Float] {
    precondition(4 * count <= remaining, "[DlibDecoder] raw floats read past the end")
    let start = offset
    let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      bytes.withUnsafeBytes { raw in
        for i in 0..<count {
          let bits = raw.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self)
          buffer[i] = Float(bitPattern: UInt32(littleEndian: bits))
        }
      }
      initialized = count
    }
    offset += 4 * count
    return values
  }
}
