/// The hard-coded topology of dlib's face-recognition ResNet (section 4 of
/// `../shared/docs/dlib-resnet-format.md`): what the file does not store, and what each stored
/// layer must hold.
enum DlibResNetTopology {
  /// A stored layer as the topology expects it.
  enum Layer: Equatable {
    case convolution(outChannels: Int, inChannels: Int, kernel: Int, stride: Int, pad: Int)
    case affine(channels: Int)
    case relu
    case maxPool(DlibPooling)
    case averagePool(DlibPooling)
    case addPrevious(tag: Int)
    case fullyConnected(inputs: Int, outputs: Int)

    /// The version string that starts the layer's details in the file.
    var versionString: String {
      switch self {
      case .convolution: return "con_4"
      case .affine: return "affine_"
      case .relu: return "relu_"
      case .maxPool: return "max_pool_2"
      case .averagePool: return "avg_pool_2"
      case .addPrevious: return "add_prev_"
      case .fullyConnected: return "fc_2"
      }
    }
  }

  /// A node: a stored layer or a marker the file does not store.
  enum Node: Equatable {
    case layer(Layer)
    case tag(Int)
    case skip(tag: Int)
  }

  /// The input chip size the topology's shapes are computed for.
  static let inputSize = 150

  /// The 130 nodes in forward order (input side first).
  static let forwardNodes: [Node] = {
    var nodes: [Node] = [
      .layer(.convolution(outChannels: 32, inChannels: 3, kernel: 7, stride: 2, pad: 0)),
      .layer(.affine(channels: 32)), .layer(.relu),
      .layer(.maxPool(pool(kernel: 3, stride: 2))),
    ]
    let stages: [(channels: Int, residualBlocks: Int)] = [(32, 3), (64, 3), (128, 2), (256, 2)]
    var channels = 32
    for (index, stage) in stages.enumerated() {
      if index > 0 {
        nodes += downBlock(from: channels, to: stage.channels)
      }
      channels = stage.channels
      for _ in 0..<stage.residualBlocks {
        nodes += residualBlock(channels: channels)
      }
    }
    nodes += downBlock(from: 256, to: 256)
    nodes += [
      .layer(.averagePool(pool(kernel: 0, stride: 1))),
      .layer(.fullyConnected(inputs: 256, outputs: 128)),
    ]
    return nodes
  }()

  /// The wrapper version integers as the file stores them, output side first: 2 for a layer
  /// wrapper, 3 for the one around the input layer (the first conv), 1 for a tag or skip.
  static let wrapperVersions: [Int] = {
    forwardNodes.enumerated().reversed().map { index, node in
      if case .layer = node { return index == 0 ? 3 : 2 }
      return 1
    }
  }()

  /// A square pooling window without padding.
  private static func pool(kernel: Int, stride: Int) -> DlibPooling {
    DlibPooling(
      kernelHeight: kernel, kernelWidth: kernel, strideY: stride, strideX: stride, padY: 0,
      padX: 0)
  }

  /// `y = relu(affine(conv3(affine->relu(conv3(x)))) + x)`.
  private static func residualBlock(channels c: Int) -> [Node] {
    [
      .tag(1),
      .layer(.convolution(outChannels: c, inChannels: c, kernel: 3, stride: 1, pad: 1)),
      .layer(.affine(channels: c)), .layer(.relu),
      .layer(.convolution(outChannels: c, inChannels: c, kernel: 3, stride: 1, pad: 1)),
      .layer(.affine(channels: c)), .layer(.addPrevious(tag: 1)), .layer(.relu),
    ]
  }

  /// `b = affine(conv3(relu(affine(conv3 stride 2 (x)))))`, `y = relu(avgpool2x2(x) + b)` with
  /// zero padding of the smaller operand.
  private static func downBlock(from input: Int, to c: Int) -> [Node] {
    [
      .tag(1),
      .layer(.convolution(outChannels: c, inChannels: input, kernel: 3, stride: 2, pad: 0)),
      .layer(.affine(channels: c)), .layer(.relu),
      .layer(.convolution(outChannels: c, inChannels: c, kernel: 3, stride: 1, pad: 1)),
      .layer(.affine(channels: c)), .tag(2), .skip(tag: 1),
      .layer(.averagePool(pool(kernel: 2, stride: 2))), .layer(.addPrevious(tag: 2)),
      .layer(.relu),
    ]
  }
}
