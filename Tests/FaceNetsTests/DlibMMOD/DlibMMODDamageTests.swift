import Foundation
import Testing

@testable import FaceNets

/// Damaged copies of the installed MMOD detector file give typed errors at the damaged field's
/// byte offset, never a crash; offsets come from `MMODLayout`.
@Suite struct DlibMMODDamageTests {
  let name = InstalledMMOD.name
  let original: [UInt8]
  let layout: MMODLayout

  init() throws {
    original = try InstalledMMOD.bytes.get()
    layout = try MMODLayout(original)
  }

  private func parse(_ bytes: [UInt8]) throws {
    _ = try DlibMMODDescription(bytes: bytes, fileName: name, checksum: .skip)
  }

  /// A copy with `bytes[offset...]` replaced by `replacement` (same length).
  private func patched(at offset: Int, with replacement: [UInt8]) -> [UInt8] {
    original.replacing(offset..<offset + replacement.count, with: replacement)
  }

  /// Cuts in the loss block, the options, the wrapper versions, the input layer, the first
  /// layer's header and data, deep in the weights, and in the last trailer.
  @Test(arguments: [0, 1, 5, 15, 30, 60, 100, 134, 140, 153, 5000, 300_000, 729_939])
  func aTruncatedFileIsReportedWhereTheFieldStarts(length: Int) {
    #expect { try parse(Array(original.prefix(length))) } throws: { error in
      guard
        case .truncated(let file, let offset, _, let needed, let remaining) = error
          as? DlibFormatError
      else { return false }
      return file == name && offset <= length && offset + remaining == length
        && needed > remaining
    }
  }

  @Test func truncationInsideAKernelNamesItsData() {
    let data = layout.convolutionData(of: 3)
    #expect(
      throws: DlibFormatError.truncated(
        file: name, offset: data, expected: "conv parameters data (12832 float32)",
        needed: 4 * 12832, remaining: 100)
    ) {
      try parse(Array(original.prefix(data + 100)))
    }
  }

  @Test func trailingBytesAreRefused() {
    #expect(throws: DlibFormatError.trailingBytes(file: name, offset: original.count, count: 2)) {
      try parse(original + [0x01, 0x00])
    }
  }

  @Test func aWrongLayerKindIsQuotedWithTheAcceptedVersions() {
    // The first relu_ becomes tanh_ (same length).
    let relu = layout.layerStarts[2]
    #expect { try parse(patched(at: relu + 2, with: Array("tanh_".utf8))) } throws: {
      "\($0)" == "\(name): byte \(relu): expected version string 'relu_' or 'relu_2', found 'tanh_'"
    }
    // The fourth convolution claims con_3, a version dlib never wrote.
    let conv = layout.layerStarts[9]
    #expect(
      throws: DlibFormatError.unexpectedVersionString(
        file: name, offset: conv, expected: "con_4' or 'con_5' or 'con_6", found: "con_3")
    ) {
      try parse(patched(at: conv + 6, with: Array("3".utf8)))
    }
  }

  @Test func aNonFiniteWeightIsRefusedNamingTheLayer() {
    let at = layout.convolutionData(of: 3) + 4 * 7
    for bits: [UInt8] in [[0x00, 0x00, 0xC0, 0x7F], [0x00, 0x00, 0x80, 0xFF]] {
      #expect { try parse(patched(at: at, with: bits)) } throws: {
        "\($0)"
          == "\(name): byte \(at): expected conv parameters value 7 of layer 3 (convolution "
          + "16->32 5x5 stride 2) to be a finite number, found NaN or an infinity"
      }
    }
  }

  @Test func aNonFiniteBatchNormStatisticIsRefusedNamingTheLayer() {
    let at = layout.runningVarianceData(of: 1, channels: 16)
    #expect(
      throws: DlibFormatError.nonFinite(
        file: name, offset: at,
        field: "bn running variances value 0 of layer 1 (affine over 16 channels)")
    ) {
      try parse(patched(at: at, with: littleEndianBytes([.infinity])))
    }
  }

  @Test func aRunningVarianceBelowMinusEpsIsRefused() {
    let at = layout.runningVarianceData(of: 4, channels: 32) + 4 * 3
    #expect(
      throws: DlibFormatError.unexpectedValue(
        file: name, offset: at, field: "bn running variance 3 + eps", expected: "> 0",
        found: "\(Float(-1) + Float(0.0001))")
    ) {
      try parse(patched(at: at, with: littleEndianBytes([-1])))
    }
  }

  @Test func aWrongWrapperVersionNamesTheWrapper() {
    // The last wrapper is the input layer's (version 3); the first is the final convolution's.
    let last = layout.wrappersStart + 2 * 18
    #expect(
      throws: DlibFormatError.unknownVersion(
        file: name, offset: last, object: "wrapper 19 of 19 (convolution 3->16 5x5 stride 2 layer)",
        expected: 3, found: 2)
    ) {
      try parse(patched(at: last, with: [0x01, 0x02]))
    }
    #expect { try parse(patched(at: layout.wrappersStart, with: [0x01, 0x01])) } throws: {
      "\($0)"
        == "\(name): byte \(layout.wrappersStart): expected wrapper 1 of 19 (convolution "
        + "45->1 9x9 stride 1 layer) version 2, found 1"
    }
  }

  @Test func aDamagedShapeIsReportedBeforeItsDataIsRead() {
    // The last convolution's filter count 1 becomes 2 in its parameter tensor's N (3646 -> 3647).
    let n = layout.layerStarts[18] + 7 + 2
    #expect(
      throws: DlibFormatError.impossibleShape(
        file: name, offset: n, object: "conv parameters", expected: "3646x1x1x1",
        found: [3647, 1, 1, 1])
    ) {
      try parse(patched(at: n, with: dlibInteger(3647)))
    }
  }

  @Test func theTrailersInPlaceFlagMayHaveEitherValue() throws {
    // The first convolution's get_output_and_gradient_input_disabled: '0' in the file.
    let flag = layout.trailerStart(of: 0) + 2
    try #require(original[flag] == 0x30)
    let flipped = try DlibMMODDescription(
      bytes: patched(at: flag, with: [0x31]), fileName: name, checksum: .skip)
    #expect(flipped.layers == (try InstalledMMOD.description.get()).layers)
    // this_layer_setup_called must be '1'.
    let setup = layout.trailerStart(of: 0)
    #expect(
      throws: DlibFormatError.unexpectedValue(
        file: name, offset: setup, field: "this_layer_setup_called", expected: "'1'",
        found: "'0'")
    ) {
      try parse(patched(at: setup, with: [0x30]))
    }
  }

  // MARK: - mmod_options

  @Test func optionsWithTwoDetectorWindowsAreRefusedNamingTheCount() {
    // Version 2: a vector of windows (each: version 1, width, height) instead of one size.
    let start = layout.optionsStart
    let twoWindows =
      dlibInteger(2) + dlibInteger(2) + dlibInteger(1) + dlibInteger(80) + dlibInteger(80)
      + dlibInteger(1) + dlibInteger(40) + dlibInteger(40)
    #expect(
      throws: DlibFormatError.unexpectedValue(
        file: name, offset: start + 2, field: "mmod_options detector window count",
        expected: "= 1 (this port supports one detector window)", found: "2")
    ) {
      try parse(original.replacing(start..<start + 6, with: twoWindows))
    }
  }

  @Test func anUnknownOptionsVersionIsRefused() {
    let start = layout.optionsStart
    #expect(
      throws: DlibFormatError.unexpectedValue(
        file: name, offset: start, field: "mmod_options version", expected: "in 1...4",
        found: "5")
    ) {
      try parse(patched(at: start, with: dlibInteger(5)))
    }
  }

  @Test func anOverlapThresholdOutsideZeroToOneIsRefused() {
    // overlaps_nms' IoU threshold follows the version, the window (4 bytes) and three doubles
    // stored in 4 bytes each; it takes 10 bytes. 1.5 = 3 * 2^-1.
    let at = layout.optionsStart + 2 + 4 + 3 * 4
    #expect(
      throws: DlibFormatError.unexpectedValue(
        file: name, offset: at, field: "mmod_options overlaps_nms iou", expected: "in 0...1",
        found: "1.5")
    ) {
      try parse(original.replacing(at..<at + 10, with: [0x01, 0x03, 0x81, 0x01]))
    }
  }

  @Test func version4OptionsRefuseBoundingBoxRegressionAndAFlatImage() {
    let start = layout.optionsStart
    let rest = Array(original[(start + 6)..<layout.wrappersStart])
    func version4(pyramid: UInt8, regression: UInt8) -> [UInt8] {
      let options =
        dlibInteger(4) + dlibInteger(1) + dlibInteger(1) + dlibInteger(80) + dlibInteger(80)
        + rest + [pyramid, regression] + [0x01, 0x19, 0x01, 0x02]
      return original.replacing(start..<layout.wrappersStart, with: options)
    }
    let flagAt = start + 2 + 2 + 6 + rest.count
    #expect(
      throws: DlibFormatError.unexpectedValue(
        file: name, offset: flagAt, field: "mmod_options assume_image_pyramid",
        expected: "byte 1 (yes: the network scans an image pyramid)", found: "byte 0")
    ) {
      try parse(version4(pyramid: 0, regression: 0x30))
    }
    #expect(
      throws: DlibFormatError.unexpectedValue(
        file: name, offset: flagAt + 1, field: "mmod_options use_bounding_box_regression",
        expected: "'0' (bounding-box regression is not supported)", found: "'1'")
    ) {
      try parse(version4(pyramid: 1, regression: 0x31))
    }
  }
}
