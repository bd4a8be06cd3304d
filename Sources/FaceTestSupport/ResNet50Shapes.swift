import FaceTensor

/// One 2-D convolution of a square NHWC input with a square HWIO kernel (no dilation).
public struct ConvolutionShape: Hashable, Sendable {
  /// The input's height and width, `H = W`.
  public let inputSize: Int
  /// The input's channels, `C`.
  public let inputChannels: Int
  /// The output's channels, `OC`.
  public let outputChannels: Int
  /// The kernel's height and width, `KH = KW`.
  public let kernel: Int
  /// The step along both axes.
  public let stride: Int
  /// How the input's borders are padded.
  public let padding: Padding

  /// A convolution of a `[N, inputSize, inputSize, inputChannels]` input with a
  /// `[kernel, kernel, inputChannels, outputChannels]` kernel.
  public init(
    inputSize: Int, inputChannels: Int, outputChannels: Int, kernel: Int, stride: Int,
    padding: Padding
  ) {
    self.inputSize = inputSize
    self.inputChannels = inputChannels
    self.outputChannels = outputChannels
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
  }

  /// The kernel's shape `[KH, KW, C, OC]` (HWIO, the Keras order).
  public var kernelShape: [Int] { [kernel, kernel, inputChannels, outputChannels] }

  /// Every size of this convolution over `batch` images (NHWC input
  /// `[batch, inputSize, inputSize, inputChannels]`).
  public func geometry(batch: Int) -> Conv2DGeometry {
    Conv2DGeometry(
      inputShape: [batch, inputSize, inputSize, inputChannels], kernelShape: kernelShape,
      strides: (stride, stride), padding: padding)
  }

  /// The output's height and width, `OH = OW`.
  public var outputSize: Int { geometry(batch: 1).outputHeight }
}

/// The convolutions of keras-vggface's ResNet-50 at 224x224 (the `vggface2-resnet50` manifest in
/// `../shared/fixtures`), the one table the benchmarks derive their shapes from.
///
/// The network: a 7x7/2 'same' stem convolution, a 3x3/2 'valid' max pool (112 → 55), then four
/// stages of bottleneck blocks. A block is a 1x1 'valid' reduce convolution (carrying the stage's
/// stride in the first block), a 3x3/1 'same' one and a 1x1 'valid' increase; the first block of
/// each stage adds a 1x1 projection of the block's input with the same stride. Convolutions have
/// no bias; each is followed by a batch norm.
public enum ResNet50Shapes {
  /// Stages 2–5: the output channels of a block's reduce, 3x3 and increase convolutions, the
  /// number of blocks, and the stride of the first block.
  public static let stages: [(filters: [Int], blocks: Int, stride: Int)] = [
    ([64, 64, 256], 3, 1), ([128, 128, 512], 4, 2), ([256, 256, 1024], 6, 2),
    ([512, 512, 2048], 3, 2),
  ]

  /// All 53 convolutions in network order: the stem, then per block reduce, 3x3, increase and
  /// (first blocks only) projection, as Keras lists the layers.
  public static let convolutions: [ConvolutionShape] = {
    var convolutions = [
      ConvolutionShape(
        inputSize: 224, inputChannels: 3, outputChannels: 64, kernel: 7, stride: 2, padding: .same)
    ]
    var size = 55  // after the 3x3/2 'valid' max pool: 112 -> 55
    var channels = 64
    for (filters, blocks, stageStride) in stages {
      for block in 0..<blocks {
        let stride = block == 0 ? stageStride : 1
        let reduce = ConvolutionShape(
          inputSize: size, inputChannels: channels, outputChannels: filters[0], kernel: 1,
          stride: stride, padding: .valid)
        let out = reduce.outputSize
        convolutions.append(reduce)
        convolutions.append(
          ConvolutionShape(
            inputSize: out, inputChannels: filters[0], outputChannels: filters[1], kernel: 3,
            stride: 1, padding: .same))
        convolutions.append(
          ConvolutionShape(
            inputSize: out, inputChannels: filters[1], outputChannels: filters[2], kernel: 1,
            stride: 1, padding: .valid))
        if block == 0 {
          convolutions.append(
            ConvolutionShape(
              inputSize: size, inputChannels: channels, outputChannels: filters[2], kernel: 1,
              stride: stride, padding: .valid))
        }
        size = out
        channels = filters[2]
      }
    }
    return convolutions
  }()

  /// The 20 distinct shapes among `convolutions`, ordered by output size (largest first), then
  /// kernel (smallest first), stride (largest first), input channels and output channels.
  public static let distinctConvolutions: [ConvolutionShape] = Set(convolutions).sorted {
    (-$0.outputSize, $0.kernel, -$0.stride, $0.inputChannels, $0.outputChannels)
      < (-$1.outputSize, $1.kernel, -$1.stride, $1.inputChannels, $1.outputChannels)
  }
}
