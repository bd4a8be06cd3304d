import FaceTensor
import Foundation
import Testing

@testable import FaceNets

/// The later versions of the file's objects that dlib reads too: the published file rewritten
/// with them must give the same network, and their flags for features this port does not have
/// are refused.
@Suite struct DlibMMODVersionTests {
  let name = InstalledMMOD.name
  let original: [UInt8]
  let layout: MMODLayout
  let network: DlibMMODDescription

  init() throws {
    original = try InstalledMMOD.bytes.get()
    layout = try MMODLayout(original)
    network = try InstalledMMOD.description.get()
  }

  private func parse(_ bytes: [UInt8]) throws -> DlibMMODDescription {
    try DlibMMODDescription(bytes: bytes, fileName: name, checksum: .skip)
  }

  // Each rewrite below changes the bytes from one layer's start on; applied from the end of the
  // file backwards, the layout's offsets of everything before stay valid.

  /// The last convolution (a `con_4` with biases) rewritten as `con_6` with the two flags
  /// appended after its multipliers, that is just before its trailer.
  private func lastConvolutionAsVersion6(in bytes: [UInt8], useBias: UInt8, useRelu: UInt8)
    -> [UInt8]
  {
    let start = layout.layerStarts[18]
    let trailer = layout.trailerStart(of: 18)
    return bytes.replacing(trailer..<trailer, with: [useBias, useRelu])
      .replacing(start + 6..<start + 7, with: Array("6".utf8))
  }

  /// Layer 2 (`relu_`) rewritten as `relu_2` with its `disabled` flag.
  private func firstReluAsVersion2(in bytes: [UInt8], disabled: UInt8) -> [UInt8] {
    let start = layout.layerStarts[2]
    return bytes.replacing(start..<start + 7, with: dlibString("relu_2") + [disabled])
  }

  /// The `affine_2` body that layer 1 (`bn_con2`) folds into: parameters `[32, 1, 1, 1]`,
  /// the gamma and beta views `[1, 16, 1, 1]`, mode 0 and the `disabled` flag.
  private func firstAffineVersion2Body(disabled: UInt8) -> [UInt8] {
    guard case .affine(let gamma, let beta) = network.layers[1] else {
      Issue.record("layer 1 is not an affine layer")
      return []
    }
    let view = dlibInteger(1) + [1, 16, 1, 1].flatMap(dlibInteger)
    return dlibString("affine_2") + dlibInteger(2) + [32, 1, 1, 1].flatMap(dlibInteger)
      + littleEndianBytes(gamma.scalars + beta.scalars) + view + view + dlibInteger(0)
      + [disabled]
  }

  /// Layer 1 (`bn_con2`) replaced by `body`.
  private func firstAffine(in bytes: [UInt8], replacedBy body: [UInt8]) -> [UInt8] {
    bytes.replacing(layout.layerStarts[1]..<layout.trailerStart(of: 1), with: body)
  }

  @Test func laterLayerVersionsGiveTheSameNetwork() throws {
    var bytes = lastConvolutionAsVersion6(in: original, useBias: 0x31, useRelu: 0x30)
    bytes = firstReluAsVersion2(in: bytes, disabled: 0x30)
    bytes = firstAffine(in: bytes, replacedBy: firstAffineVersion2Body(disabled: 0x30))
    #expect(try parse(bytes).layers == network.layers)
  }

  @Test func aConvolutionWithoutBiasesGetsZeroBiases() throws {
    // con_5 with use_bias '0': the parameter tensor loses its one bias (N 3646 -> 3645) and the
    // biases view becomes 0x0x0x0.
    let start = layout.layerStarts[18]
    let data = layout.convolutionData(of: 18)
    let biasesView = data + 4 * 3646 + 14 + 10
    try #require(Array(original[biasesView..<biasesView + 10]) == [1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
    let trailer = layout.trailerStart(of: 18)
    let bytes = original.replacing(trailer..<trailer, with: [0x30])
      .replacing(biasesView..<biasesView + 10, with: [1, 1, 1, 0, 1, 0, 1, 0, 1, 0])
      .replacing(data + 4 * 3645..<data + 4 * 3646, with: [])
      .replacing(start + 9..<start + 12, with: dlibInteger(3645))
      .replacing(start + 6..<start + 7, with: Array("5".utf8))
    let parsed = try parse(bytes)
    guard case .convolution(let conv) = parsed.layers[18],
      case .convolution(let published) = network.layers[18]
    else {
      Issue.record("layer 18 is not a convolution")
      return
    }
    #expect(conv.kernel == published.kernel)
    #expect(published.bias.scalars != [0])
    #expect(conv.bias == Tensor(shape: [1], scalars: [0]))
    #expect(Array(parsed.layers[..<18]) == Array(network.layers[..<18]))
  }

  @Test func aFusedReluOrAMismatchedBiasFlagIsRefused() {
    let trailer = layout.trailerStart(of: 18)
    #expect(
      throws: DlibFormatError.unexpectedValue(
        file: name, offset: trailer + 1, field: "conv use_relu",
        expected: "'0' (a relu fused into the convolution is not supported)", found: "'1'")
    ) {
      try parse(lastConvolutionAsVersion6(in: original, useBias: 0x31, useRelu: 0x31))
    }
    #expect(
      throws: DlibFormatError.unexpectedValue(
        file: name, offset: trailer, field: "conv use_bias",
        expected: "'1' (the parameters hold biases)", found: "'0'")
    ) {
      try parse(lastConvolutionAsVersion6(in: original, useBias: 0x30, useRelu: 0x30))
    }
  }

  @Test func disabledAffineAndReluLayersAreRefused() {
    let body = firstAffineVersion2Body(disabled: 0x31)
    #expect(
      throws: DlibFormatError.unexpectedValue(
        file: name, offset: layout.layerStarts[1] + body.count - 1, field: "affine disabled",
        expected: "'0'", found: "'1'")
    ) {
      try parse(firstAffine(in: original, replacedBy: body))
    }
    let relu = layout.layerStarts[2]
    #expect(
      throws: DlibFormatError.unexpectedValue(
        file: name, offset: relu + 8, field: "relu disabled", expected: "'0'", found: "'1'")
    ) {
      try parse(firstReluAsVersion2(in: original, disabled: 0x31))
    }
  }

  @Test func theSecondPyramidInputVersionStoresThePaddings() throws {
    // input_rgb_image_pyramid2: the same three means, then pyramid_padding 5 and outer 7.
    let start = layout.inputStart
    let means = Array(original[(start + 25)..<(start + 25 + 18)])
    let bytes = original.replacing(
      start..<start + 25 + 18,
      with: dlibString("input_rgb_image_pyramid2") + means + dlibInteger(5) + dlibInteger(7))
    let parsed = try parse(bytes)
    #expect(parsed.pyramidPadding == 5)
    #expect(parsed.pyramidOuterPadding == 7)
    #expect(parsed.inputMeans == network.inputMeans)
    #expect(parsed.layers == network.layers)
  }

  @Test func laterOptionsVersionsGiveTheSameSettings() throws {
    let start = layout.optionsStart
    let doubles = Array(original[(start + 6)..<layout.wrappersStart])
    // Version 2: one window of version 2, labelled "face".
    let version2 =
      dlibInteger(2) + dlibInteger(1) + dlibInteger(2) + dlibInteger(80) + dlibInteger(80)
      + dlibString("face") + doubles
    // Version 4: one window of version 1, then assume_image_pyramid (byte 1),
    // use_bounding_box_regression '0' and bbr_lambda 100 = 25 * 2^2.
    let version4 =
      dlibInteger(4) + dlibInteger(1) + dlibInteger(1) + dlibInteger(80) + dlibInteger(80)
      + doubles + [0x01, 0x30] + dlibInteger(25) + dlibInteger(2)
    for options in [version2, version4] {
      let parsed = try parse(original.replacing(start..<layout.wrappersStart, with: options))
      #expect(parsed.window == network.window)
      #expect(parsed.nmsIoUThreshold == network.nmsIoUThreshold)
      #expect(parsed.nmsCoveredThreshold == network.nmsCoveredThreshold)
      #expect(parsed.layers == network.layers)
    }
  }
}
