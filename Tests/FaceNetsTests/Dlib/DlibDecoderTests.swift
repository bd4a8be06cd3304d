import Testing

@testable import FaceNets

/// The primitive encodings of section 1 of `../shared/docs/dlib-resnet-format.md` (its tables are
/// the specification; the byte strings below are copied from them), and the decoder's refusals.
@Suite struct DlibDecoderTests {
  /// The explanation every bad-control-byte message carries.
  static let controlRule =
    "(an integer control byte: 1 to 8 value bytes, bits 0x70 clear)"

  private func decoder(_ bytes: [UInt8]) -> DlibDecoder {
    DlibDecoder(bytes: bytes, fileName: "test.dat")
  }

  @Test(
    arguments: [
      ([0x01, 0x00], 0), ([0x01, 0x02], 2), ([0x01, 0x96], 150), ([0x02, 0x00, 0x01], 256),
      ([0x02, 0x80, 0x12], 4736), ([0x03, 0x00, 0x01, 0x09], 590_080), ([0x81, 0x1C], -28),
    ] as [([UInt8], Int64)])
  func integersDecodeAsInTheFormatTable(bytes: [UInt8], value: Int64) throws {
    var d = decoder(bytes)
    #expect(try d.readInteger("value") == value)
    #expect(d.remaining == 0)
  }

  @Test func eightByteIntegersCoverTheInt64Range() throws {
    var d = decoder([
      0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F,
      0x88, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80,
    ])
    #expect(try d.readInteger("max") == Int64.max)
    #expect(try d.readInteger("min") == Int64.min)
  }

  @Test(
    arguments: [
      // 0.04 and 0.6 as float: mantissa then exponent.
      ([0x03, 0x0A, 0xD7, 0xA3, 0x81, 0x1C], 10_737_418, -28),
      ([0x03, 0x9A, 0x99, 0x99, 0x81, 0x18], 10_066_330, -24),
      ([0x03, 0x62, 0x90, 0xF5, 0x81, 0x11], 16_093_282, -17),
    ] as [([UInt8], Int, Int)])
  func floatsAreMantissaThenExponent(bytes: [UInt8], mantissa: Int, exponent: Int) throws {
    var d = decoder(bytes)
    #expect(
      try d.readFloat("value") == Float(mantissa)
        * Float(sign: .plus, exponent: exponent, significand: 1))
    #expect(d.remaining == 0)
  }

  @Test func doublesUseTheSameEncoding() throws {
    var d = decoder([0x01, 0x10, 0x81, 0x04, 0x01, 0x00, 0x01, 0x0B])
    #expect(try d.readDouble("one") == 1.0)
    #expect(try d.readDouble("zero") == 0.0)
  }

  @Test func specialExponentsAreInfinitiesAndNaN() throws {
    // Exponent 32000, 32001, 32002 = 0x7D00, 0x7D01, 0x7D02.
    var d = decoder([
      0x01, 0x00, 0x02, 0x00, 0x7D, 0x01, 0x00, 0x02, 0x01, 0x7D,
      0x01, 0x00, 0x02, 0x02, 0x7D,
    ])
    #expect(try d.readFloat("inf") == .infinity)
    #expect(try d.readFloat("-inf") == -.infinity)
    #expect(try d.readFloat("nan").isNaN)
  }

  @Test func boolsAndStringsDecode() throws {
    var d = decoder([0x31, 0x30, 0x01, 0x05, 0x63, 0x6F, 0x6E, 0x5F, 0x34])
    #expect(try d.readBool("a") == true)
    #expect(try d.readBool("b") == false)
    #expect(try d.readString("name", maxLength: 64) == "con_4")
  }

  @Test func theFirstConvTensorHeaderDecodes() throws {
    // Version 2, shape 4736x1x1x1; here followed by one float, so ask for shape 1x1x1x1 too.
    var d = decoder([
      0x01, 0x02, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x4D, 0x45, 0xF0, 0xBC,
    ])
    let values = try d.readTensor("conv parameters", expectedShape: [1, 1, 1, 1])
    #expect(values == [Float(bitPattern: 0xBCF0_454D)])
    #expect(abs(values[0] - -0.02932992) < 1e-8)
  }

  @Test func floatColumnsAcceptBothSignConventions() throws {
    // 2x1 stored negated (current dlib), then 1x1 stored positive (old dlib).
    var d = decoder([
      0x81, 0x02, 0x81, 0x01, 0x01, 0x10, 0x81, 0x04, 0x01, 0x02, 0x01, 0x00,
      0x01, 0x01, 0x01, 0x01, 0x01, 0x03, 0x01, 0x00,
    ])
    #expect(try d.readFloatColumn("column") == [1, 2])
    #expect(try d.readFloatColumn("column", expectedCount: 1) == [3])
  }

  /// Damaged input: the error and its message, verbatim.
  @Test(
    arguments: [
      ([0x00, 0x00], "test.dat: byte 0: expected value \(controlRule), found 0x00"),
      ([0x09], "test.dat: byte 0: expected value \(controlRule), found 0x09"),
      ([0x11, 0x00], "test.dat: byte 0: expected value \(controlRule), found 0x11"),
      (
        [0x03, 0x01, 0x02],
        "test.dat: byte 0: expected value (4 bytes), found only 3 bytes before the end of the file"
      ),
      (
        [],
        "test.dat: byte 0: expected value (1 byte), found only 0 bytes before the end of the file"
      ),
      (
        [0x08, 0, 0, 0, 0, 0, 0, 0, 0x80],
        "test.dat: byte 0: expected value to fit a 64-bit integer, "
          + "found magnitude 9223372036854775808"
      ),
    ] as [([UInt8], String)])
  func damagedIntegersAreRefused(bytes: [UInt8], message: String) {
    var d = decoder(bytes)
    #expect { try d.readInteger("value") } throws: { "\($0)" == message }
  }

  @Test func aFloatInTheOldASCIIFormatIsRefused() {
    var d = decoder(Array("1.5 ".utf8))
    #expect(
      throws: DlibFormatError.badControlByte(
        file: "test.dat", offset: 0, expected: "threshold (mantissa)", found: 0x31)
    ) {
      try d.readFloat("threshold")
    }
  }

  @Test func aBoolOtherThanZeroOrOneIsRefused() {
    var d = decoder([0x01, 0x32])
    _ = try? d.readByte("skip")
    #expect(
      throws: DlibFormatError.unexpectedValue(
        file: "test.dat", offset: 1, field: "flag", expected: "'0' or '1'", found: "byte 50")
    ) {
      try d.readBool("flag")
    }
  }

  @Test func versionStringsAreComparedAndQuoted() {
    var d = decoder([0x01, 0x05, 0x63, 0x6F, 0x6E, 0x5F, 0x35])
    #expect { try d.expectVersionString("con_4") } throws: {
      "\($0)" == "test.dat: byte 0: expected version string 'con_4', found 'con_5'"
    }
    var binary = decoder([0x01, 0x02, 0x00, 0xFF])
    #expect(
      throws: DlibFormatError.unexpectedVersionString(
        file: "test.dat", offset: 0, expected: "relu_", found: "\\x00\\xFF")
    ) {
      try binary.expectVersionString("relu_")
    }
    var long = decoder([0x04, 0xFF, 0xFF, 0xFF, 0x7F])
    #expect(
      throws: DlibFormatError.unexpectedVersionString(
        file: "test.dat", offset: 0, expected: "relu_", found: "<a string of length 2147483647>")
    ) {
      try long.expectVersionString("relu_")
    }
  }

  @Test func aCountLargerThanTheFileIsRefusedBeforeAllocating() {
    // 2^62 elements of at least 8 bytes each: the multiplication overflows.
    var d = decoder([0x08, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x00])
    #expect(
      throws: DlibFormatError.truncated(
        file: "test.dat", offset: 9, expected: "4611686018427387904 split elements",
        needed: Int.max, remaining: 1)
    ) {
      try d.readCount("split", minimumBytesPerElement: 8)
    }
    var small = decoder([0x01, 0x03, 0x00])
    #expect(
      throws: DlibFormatError.truncated(
        file: "test.dat", offset: 2, expected: "3 leaf elements", needed: 12, remaining: 1)
    ) {
      try small.readCount("leaf", minimumBytesPerElement: 4)
    }
  }

  @Test func tensorShapesAreCheckedBeforeTheData() {
    let header: [UInt8] = [
      0x01, 0x02, 0x04, 0xFF, 0xFF, 0xFF, 0x7F, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    ]
    var huge = decoder(header + [0x00, 0x00])
    #expect(
      throws: DlibFormatError.impossibleShape(
        file: "test.dat", offset: 2, object: "conv parameters", expected: "4736x1x1x1",
        found: [2_147_483_647, 1, 1, 1])
    ) {
      try huge.readTensor("conv parameters", expectedShape: [4736, 1, 1, 1])
    }
    var negative = decoder([0x01, 0x02, 0x81, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01])
    #expect(
      throws: DlibFormatError.impossibleShape(
        file: "test.dat", offset: 2, object: "x", expected: "1x1x1x1", found: [-1, 1, 1, 1])
    ) {
      try negative.readTensor("x", expectedShape: [1, 1, 1, 1])
    }
    var wrongVersion = decoder([0x01, 0x03])
    #expect(
      throws: DlibFormatError.unknownVersion(
        file: "test.dat", offset: 0, object: "x tensor", expected: 2, found: 3)
    ) {
      try wrongVersion.readTensor("x", expectedShape: [1, 1, 1, 1])
    }
    var short = decoder([
      0x01, 0x02, 0x01, 0x02, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x80, 0x3F,
    ])
    #expect(
      throws: DlibFormatError.truncated(
        file: "test.dat", offset: 10, expected: "x data (2 float32)", needed: 8, remaining: 4)
    ) {
      try short.readTensor("x", expectedShape: [2, 1, 1, 1])
    }
  }

  @Test func columnsMustBeColumnsThatFit() {
    var wide = decoder([0x81, 0x02, 0x81, 0x02])
    #expect(
      throws: DlibFormatError.impossibleShape(
        file: "test.dat", offset: 0, object: "leaf value", expected: "Nx1", found: [2, 2])
    ) {
      try wide.readFloatColumn("leaf value")
    }
    var huge = decoder([0x88, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x81, 0x01])
    #expect(
      throws: DlibFormatError.truncated(
        file: "test.dat", offset: 11, expected: "4611686018427387904 leaf value values",
        needed: Int.max, remaining: 0)
    ) {
      try huge.readFloatColumn("leaf value")
    }
  }

  @Test func trailingBytesAreReported() throws {
    var d = decoder([0x01, 0x00, 0x31])
    _ = try d.readInteger("value")
    #expect(throws: DlibFormatError.trailingBytes(file: "test.dat", offset: 2, count: 1)) {
      try d.requireEnd()
    }
  }
}
