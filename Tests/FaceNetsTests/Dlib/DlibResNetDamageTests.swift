import Foundation
import Testing

@testable import FaceNets

/// Damaged copies of the installed ResNet file give typed errors, never a crash.
///
/// Each error names the damaged field's byte offset; offsets come from
/// `Fixtures/dlib/resnet_reference.json`.
@Suite struct DlibResNetDamageTests {
  let name = DlibModelFile.faceRecognitionResNetV1.name
  let original: [UInt8]
  let reference: DlibResNetReference

  init() throws {
    original = try InstalledResNet.bytes.get()
    reference = try #require(DlibResNetReference.shared)
  }

  private func parse(_ bytes: [UInt8], checksum: DlibChecksumPolicy = .skip) throws {
    _ = try DlibResNetDescription(bytes: bytes, fileName: name, checksum: checksum)
  }

  /// A copy with `bytes[offset...]` replaced by `replacement` (same length).
  private func patched(at offset: Int, with replacement: [UInt8]) -> [UInt8] {
    var copy = original
    copy.replaceSubrange(offset..<offset + replacement.count, with: replacement)
    return copy
  }

  /// The offset of the first byte after a layer's version string (2-byte length + text).
  private func afterVersionString(of layer: Int) -> Int {
    reference.layers[layer].offset + 2 + reference.layers[layer].version_string.utf8.count
  }

  @Test func aDamagedControlByteIsReportedAtItsOffset() {
    // The 17th wrapper version: control byte 0x01 -> 0x00 (no value bytes) and -> 0x41.
    let offset = reference.wrapper_versions_offset + 2 * 16
    for damaged: UInt8 in [0x00, 0x41, 0x0C] {
      #expect { try parse(patched(at: offset, with: [damaged])) } throws: { error in
        guard
          case .badControlByte(let file, let at, let expected, let found) = error
            as? DlibFormatError
        else { return false }
        return file == name && at == offset && found == damaged
          && expected.hasPrefix("wrapper 17 of 130 (")
      }
    }
  }

  /// A NaN or an infinity in a layer's parameters is refused at its byte, the layer named.
  @Test func nonFiniteParametersAreRefusedNamingTheLayer() throws {
    let layer = reference.layers[0]
    let at = try #require(layer.params_data_offset) + 4 * 5
    for bits: [UInt8] in [[0x00, 0x00, 0xC0, 0x7F], [0x00, 0x00, 0x80, 0xFF]] {
      #expect { try parse(patched(at: at, with: bits)) } throws: {
        "\($0)"
          == "\(name): byte \(at): expected conv parameters value 5 of node 0 (con_4 layer) to be "
          + "a finite number, found NaN or an infinity"
      }
    }
  }

  @Test func aWrongWrapperVersionNamesTheWrapper() {
    // Wrapper 1 (the fc layer) claims version 1 (a tag/skip) instead of 2.
    let offset = reference.wrapper_versions_offset
    #expect { try parse(patched(at: offset, with: [0x01, 0x01])) } throws: {
      "\($0)"
        == "\(name): byte \(offset): expected wrapper 1 of 130 (fc_2 layer) version 2, found 1"
    }
    // The last wrapper is the input layer's (version 3).
    let last = reference.wrapper_versions_offset + 2 * 129
    #expect(
      throws: DlibFormatError.unknownVersion(
        file: name, offset: last, object: "wrapper 130 of 130 (con_4 layer)", expected: 3, found: 2)
    ) {
      try parse(patched(at: last, with: [0x01, 0x02]))
    }
  }

  @Test func aWrongVersionStringIsQuoted() throws {
    let first = reference.layers[0].offset
    #expect { try parse(patched(at: first + 6, with: Array("5".utf8))) } throws: {
      "\($0)" == "\(name): byte \(first): expected version string 'con_4', found 'con_5'"
    }
    // An add_prev_ layer deep in the file, renamed to 'add_prex_'.
    let layer = try #require(
      reference.layers.first { $0.version_string == "add_prev_" && $0.index > 50 })
    #expect(
      throws: DlibFormatError.unexpectedVersionString(
        file: name, offset: layer.offset, expected: "add_prev_", found: "add_prex_")
    ) {
      try parse(patched(at: layer.offset + 2 + 7, with: Array("x".utf8)))
    }
  }

  @Test func aDamagedShapeFieldIsReportedBeforeReadingData() throws {
    // Conv layer 4: its parameter tensor's N (0x02 0x20 0x24 = 9248) becomes 9249.
    let n = afterVersionString(of: 4) + 2
    #expect(
      throws: DlibFormatError.impossibleShape(
        file: name, offset: n, object: "conv parameters", expected: "9248x1x1x1",
        found: [9249, 1, 1, 1])
    ) {
      try parse(patched(at: n, with: [0x02, 0x21, 0x24]))
    }
    // The fc layer's num_outputs 128 becomes 127.
    let outputs = afterVersionString(of: 107)
    #expect(
      throws: DlibFormatError.unexpectedValue(
        file: name, offset: outputs, field: "fc num_outputs", expected: "= 128", found: "127")
    ) {
      try parse(patched(at: outputs, with: [0x01, 0x7F]))
    }
    // The affine view of layer 1 claims 31 channels.
    let affine = reference.layers[1]
    let gammaView = try #require(affine.params_data_offset) + 4 * 64
    #expect(
      throws: DlibFormatError.impossibleShape(
        file: name, offset: gammaView + 2, object: "affine gamma", expected: "1x32x1x1",
        found: [1, 31, 1, 1])
    ) {
      try parse(patched(at: gammaView + 4, with: [0x01, 0x1F]))
    }
  }

  @Test func aSizeFieldClaimingAHugeTensorIsRefusedWithoutAllocating() {
    // Conv layer 0's N (0x02 0x80 0x12) becomes an 8-byte 2^62: a 16 EiB tensor.
    let n = afterVersionString(of: 0) + 2
    var copy = original
    copy.replaceSubrange(n..<n + 3, with: [0x08, 0, 0, 0, 0, 0, 0, 0, 0x40])
    #expect(
      throws: DlibFormatError.impossibleShape(
        file: name, offset: n, object: "conv parameters", expected: "4736x1x1x1",
        found: [1 << 62, 1, 1, 1])
    ) {
      try parse(copy)
    }
  }

  @Test(arguments: [0, 1, 20, 150, 300, 340, 5000])
  func truncationIsReportedWhereTheFieldStarts(length: Int) throws {
    let cut = Array(original.prefix(length))
    #expect { try parse(cut) } throws: { error in
      guard
        case .truncated(let file, let offset, _, let needed, let remaining) = error
          as? DlibFormatError
      else { return false }
      return file == name && offset <= length && offset + remaining == length && needed > remaining
    }
  }

  @Test func truncationInsideTensorDataNamesTheData() throws {
    let layer = reference.layers[25]
    let data = try #require(layer.params_data_offset)
    #expect(
      throws: DlibFormatError.truncated(
        file: name, offset: data, expected: "conv parameters data (18496 float32)",
        needed: 4 * 18496, remaining: 1000)
    ) {
      try parse(Array(original.prefix(data + 1000)))
    }
  }

  @Test func truncationInTheLastTrailerIsFound() {
    // The last byte is the value byte of the final empty tensor's W.
    #expect(
      throws: DlibFormatError.truncated(
        file: name, offset: original.count - 2, expected: "params_grad W", needed: 2, remaining: 1)
    ) {
      try parse(Array(original.dropLast()))
    }
  }

  @Test func trailingBytesAreRefused() {
    #expect(throws: DlibFormatError.trailingBytes(file: name, offset: original.count, count: 2)) {
      try parse(original + [0x01, 0x00])
    }
  }

  @Test func filesThatAreNotThisNetworkAreRefusedAtTheirFirstByte() throws {
    // A JSON file: '{' = 0x7B has bits 0x70 set.
    let json = [UInt8](try DlibTestSupport.fixture("resnet_reference.json"))
    #expect(
      throws: DlibFormatError.badControlByte(
        file: name, offset: 0, expected: "loss layer wrapper version", found: 0x7B)
    ) {
      try parse(json)
    }
  }

  @Test func theShapePredictorFileIsNotThisNetwork() throws {
    // Version 1 fits, then the shape predictor's matrix rows (-10) are no string length.
    let other = try InstalledShapePredictor.bytes.get()
    #expect(
      throws: DlibFormatError.unexpectedVersionString(
        file: name, offset: 2, expected: "loss_metric_2", found: "<a string of length -10>")
    ) {
      try parse(other)
    }
  }

  @Test func aChangedWeightPassesTheStructureButNotTheChecksum() throws {
    let data = try #require(reference.layers[0].params_data_offset)
    let copy = patched(at: data, with: [0, 0, 0, 0])  // w[0,0,0,0] = 0
    #expect { try parse(copy, checksum: .verify) } throws: { error in
      guard case .checksumMismatch(let file, let expected, let found) = error as? DlibFormatError
      else { return false }
      return file == name && expected == reference.sha256 && found != reference.sha256
        && found.count == 64
    }
    let edited = try DlibResNetDescription(bytes: copy, fileName: name, checksum: .skip)
    guard case .convolution(let conv) = edited.nodes[0] else {
      Issue.record("node 0 is not a convolution")
      return
    }
    #expect(conv.kernel[0, 0, 0, 0] == 0)
  }
}
