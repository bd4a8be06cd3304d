import FaceTensor

/// Reads `dlib_face_recognition_resnet_model_v1.dat` front to back (sections 2 and 3 of
/// `../shared/docs/dlib-resnet-format.md`), checking every field against
/// `DlibResNetTopology`.
enum DlibResNetReader {
  /// Reads the whole file; the decoder must be at its first byte.
  /// - Throws: `DlibFormatError` at the first field that differs from the topology.
  static func read(_ decoder: inout DlibDecoder) throws(DlibFormatError) -> DlibResNetDescription {
    // Loss block.
    try decoder.expectVersion(of: "loss layer wrapper", equals: 1)
    try decoder.expectVersionString("loss_metric_2")
    let margin = try decoder.readFiniteFloat("loss margin")
    let threshold = try decoder.readFiniteFloat("loss distance_threshold")

    // Wrapper versions, output side first.
    let expectedVersions = DlibResNetTopology.wrapperVersions
    let forward = DlibResNetTopology.forwardNodes
    for (position, expected) in expectedVersions.enumerated() {
      let node = forward[forward.count - 1 - position]
      try decoder.expectVersion(
        of: "wrapper \(position + 1) of \(expectedVersions.count) (\(name(of: node)))",
        equals: expected)
    }

    // Input block.
    try decoder.expectVersionString("input_rgb_image_sized")
    let means = [
      try decoder.readFiniteFloat("input mean R"), try decoder.readFiniteFloat("input mean G"),
      try decoder.readFiniteFloat("input mean B"),
    ]
    let size = Int64(DlibResNetTopology.inputSize)
    try decoder.expectInteger("input rows", equals: size)
    try decoder.expectInteger("input columns", equals: size)

    // Layer bodies, input side first; markers are inserted from the topology.
    var nodes: [DlibResNetNode] = []
    for (index, node) in forward.enumerated() {
      switch node {
      case .tag(let id): nodes.append(.tag(id))
      case .skip(let id): nodes.append(.skip(tag: id))
      case .layer(let layer):
        do throws(DlibFormatError) {
          nodes.append(try readLayer(layer, from: &decoder))
        } catch .nonFinite(let file, let offset, let field) {
          throw .nonFinite(
            file: file, offset: offset, field: "\(field) of node \(index) (\(name(of: node)))")
        }
        // The third bool of the trailer is '1' exactly for the layers whose output goes
        // straight into a relu (dlib runs the relu in place on their output buffer): the 15
        // affine layers followed by a relu and the 14 add_prev layers. (Section 2.2 of the
        // format note says "'1' for affine layers"; the file has '0' for the 14 affine layers
        // that feed an add_prev or a tag.)
        let next = forward.indices.contains(index + 1) ? forward[index + 1] : nil
        try decoder.readLayerTrailer(
          isInputWrapper: index == 0, outputDisabled: next == .layer(.relu))
      }
    }
    try decoder.requireEnd()
    return DlibResNetDescription(
      nodes: nodes, inputMeans: means, inputRows: Int(size), inputColumns: Int(size),
      distanceThreshold: threshold, lossMargin: margin)
  }

  /// A node's name for messages.
  private static func name(of node: DlibResNetTopology.Node) -> String {
    switch node {
    case .layer(let layer): return "\(layer.versionString) layer"
    case .tag(let id): return "tag\(id) marker"
    case .skip(let id): return "skip\(id) marker"
    }
  }

  /// Reads one layer's details, starting at its version string.
  private static func readLayer(
    _ layer: DlibResNetTopology.Layer, from decoder: inout DlibDecoder
  ) throws(DlibFormatError) -> DlibResNetNode {
    try decoder.expectVersionString(layer.versionString)
    switch layer {
    case .convolution(let oc, let c, let k, let stride, let pad):
      return .convolution(
        try decoder.readConvolution(
          version: layer.versionString, outChannels: oc, inChannels: c, kernel: k,
          stride: stride, pad: pad))
    case .affine(let channels):
      let (gamma, beta) = try decoder.readAffine(
        version: layer.versionString, channels: channels)
      return .affine(gamma: gamma, beta: beta)
    case .relu:
      return .relu
    case .maxPool(let pool):
      try expectPooling(pool, of: "max_pool", from: &decoder)
      return .maxPool(pool)
    case .averagePool(let pool):
      try expectPooling(pool, of: "avg_pool", from: &decoder)
      return .averagePool(pool)
    case .addPrevious(let tag):
      return .addPrevious(tag: tag)
    case .fullyConnected(let inputs, let outputs):
      try decoder.expectInteger("fc num_outputs", equals: Int64(outputs))
      try decoder.expectInteger("fc num_inputs", equals: Int64(inputs))
      let weights = try decoder.readTensor(
        "fc parameters", expectedShape: [inputs, outputs, 1, 1])
      try decoder.expectAliasTensor("fc weights", shape: [inputs, outputs, 1, 1])
      try decoder.expectAliasTensor("fc biases", shape: [0, 0, 0, 0])
      try decoder.expectInteger("fc bias_mode (1 = no bias)", equals: 1)
      try decoder.skipTrainingMultipliers(of: "fc")
      return .fullyConnected(weights: Tensor(shape: [inputs, outputs], scalars: weights))
    }
  }

  /// Reads the six pooling integers, which must equal `pool`'s.
  private static func expectPooling(
    _ pool: DlibPooling, of kind: String, from decoder: inout DlibDecoder
  ) throws(DlibFormatError) {
    for (field, value) in [
      ("KH", pool.kernelHeight), ("KW", pool.kernelWidth), ("stride_y", pool.strideY),
      ("stride_x", pool.strideX), ("pad_y", pool.padY), ("pad_x", pool.padX),
    ] {
      try decoder.expectInteger("\(kind) \(field)", equals: Int64(value))
    }
  }
}
