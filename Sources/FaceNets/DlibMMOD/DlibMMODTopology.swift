/// The fixed topology of dlib's CNN face detector (`net_type` of dlib's
/// `tools/python/src/cnn_face_detector.cpp`): what each of the 19 stored layers must hold.
///
/// Input side first: three 5x5 stride-2 convolutions without padding (16, 32, 32 filters), three
/// 5x5 stride-1 convolutions padded by 2 (45 filters), each followed by an affine layer and a
/// relu, then a 9x9 stride-1 convolution padded by 4 to one channel.
enum DlibMMODTopology {
  /// A stored layer as the topology expects it.
  enum Slot: Equatable {
    case convolution(outChannels: Int, inChannels: Int, kernel: Int, stride: Int, pad: Int)
    case affine(channels: Int)
    case relu

    /// The slot's name in messages.
    var name: String {
      switch self {
      case .convolution(let oc, let c, let k, let stride, _):
        return "convolution \(c)->\(oc) \(k)x\(k) stride \(stride)"
      case .affine(let channels): return "affine over \(channels) channels"
      case .relu: return "relu"
      }
    }
  }

  /// The 19 slots in forward order (input side first).
  static let slots: [Slot] = {
    var slots: [Slot] = []
    var channels = 3
    for (filters, stride) in [(16, 2), (32, 2), (32, 2), (45, 1), (45, 1), (45, 1)] {
      // dlib's `con` pads by half the kernel size at stride 1 and not at all otherwise.
      slots += [
        .convolution(
          outChannels: filters, inChannels: channels, kernel: 5, stride: stride,
          pad: stride == 1 ? 2 : 0),
        .affine(channels: filters), .relu,
      ]
      channels = filters
    }
    slots.append(.convolution(outChannels: 1, inChannels: channels, kernel: 9, stride: 1, pad: 4))
    return slots
  }()

  /// The wrapper version integers as the file stores them, output side first: 2 for every layer
  /// wrapper but the one around the input layer (the first convolution), which has 3.
  static let wrapperVersions: [Int] = slots.indices.reversed().map { $0 == 0 ? 3 : 2 }
}
