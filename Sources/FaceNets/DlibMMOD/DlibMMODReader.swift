/// Reads `mmod_human_face_detector.dat` front to back, checking every layer against
/// `DlibMMODTopology`.
///
/// Layout: the loss wrapper (version 1, `loss_mmod_`, its `mmod_options`), the 19 layer wrapper
/// versions (output side first), the input layer (`input_rgb_image_pyramid` with three means,
/// or `input_rgb_image_pyramid2`, which adds the two paddings), then each layer's body (input
/// side first), each followed by its trailer.
enum DlibMMODReader {
  /// The paddings `input_rgb_image_pyramid` (version 1) implies: between levels, around them.
  static let defaultPaddings = (between: 10, outer: 11)
  /// The largest pyramid padding accepted, in pixels (the published file implies 10 and 11).
  static let maxPadding: Int64 = 4096

  /// Reads the whole file; the decoder must be at its first byte.
  /// - Throws: `DlibFormatError` at the first field that differs from the topology.
  static func read(_ decoder: inout DlibDecoder) throws(DlibFormatError) -> DlibMMODDescription {
    // Loss block.
    try decoder.expectVersion(of: "loss layer wrapper", equals: 1)
    try decoder.expectVersionString("loss_mmod_")
    let options = try DlibMMODOptions(from: &decoder)

    // Wrapper versions, output side first.
    let slots = DlibMMODTopology.slots
    let versions = DlibMMODTopology.wrapperVersions
    for (position, expected) in versions.enumerated() {
      let slot = slots[slots.count - 1 - position]
      try decoder.expectVersion(
        of: "wrapper \(position + 1) of \(versions.count) (\(slot.name) layer)", equals: expected)
    }

    // Input layer.
    let input = try decoder.expectVersionString(
      oneOf: ["input_rgb_image_pyramid", "input_rgb_image_pyramid2"])
    let means = [
      try decoder.readFiniteFloat("input mean R"), try decoder.readFiniteFloat("input mean G"),
      try decoder.readFiniteFloat("input mean B"),
    ]
    var paddings = defaultPaddings
    if input == "input_rgb_image_pyramid2" {
      paddings.between = try decoder.readInteger("input pyramid_padding", in: 0...maxPadding)
      paddings.outer = try decoder.readInteger("input pyramid_outer_padding", in: 0...maxPadding)
    }

    // Layer bodies, input side first.
    var layers: [DlibMMODLayer] = []
    for (index, slot) in slots.enumerated() {
      do throws(DlibFormatError) {
        layers.append(try readLayer(slot, from: &decoder))
      } catch .nonFinite(let file, let offset, let field) {
        throw .nonFinite(
          file: file, offset: offset, field: "\(field) of layer \(index) (\(slot.name))")
      }
      // Whether the layer above ran in place depends on the saved network's kinds (a bn_con2
      // does not, an affine_ does); the flag does not change the numbers, so either is read.
      try decoder.readLayerTrailer(isInputWrapper: index == 0, outputDisabled: nil)
    }
    try decoder.requireEnd()
    return DlibMMODDescription(
      layers: layers, window: options.window, nmsIoUThreshold: options.nmsIoUThreshold,
      nmsCoveredThreshold: options.nmsCoveredThreshold, inputMeans: means,
      pyramidPadding: paddings.between, pyramidOuterPadding: paddings.outer)
  }

  /// Reads one layer's details, starting at its version string: a `con_` for a convolution
  /// slot, `bn_con2` (folded) or `affine_` for an affine slot, a `relu_` for a relu slot.
  private static func readLayer(_ slot: DlibMMODTopology.Slot, from decoder: inout DlibDecoder)
    throws(DlibFormatError) -> DlibMMODLayer
  {
    switch slot {
    case .convolution(let oc, let c, let k, let stride, let pad):
      let version = try decoder.expectVersionString(oneOf: DlibDecoder.convolutionVersions)
      return .convolution(
        try decoder.readConvolution(
          version: version, outChannels: oc, inChannels: c, kernel: k, stride: stride, pad: pad))
    case .affine(let channels):
      let version = try decoder.expectVersionString(
        oneOf: ["bn_con2"] + DlibDecoder.affineVersions)
      let (gamma, beta) =
        version == "bn_con2"
        ? try decoder.readBatchNormAsAffine(channels: channels)
        : try decoder.readAffine(version: version, channels: channels)
      return .affine(gamma: gamma, beta: beta)
    case .relu:
      try decoder.readRelu(
        version: try decoder.expectVersionString(oneOf: DlibDecoder.reluVersions))
      return .relu
    }
  }
}
