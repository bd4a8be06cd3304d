import FaceTensor
import Foundation

/// dlib's face-recognition ResNet (`dlib_face_recognition_resnet_model_v1.dat`) as a FaceNets
/// network: 150x150 RGB face chips to 128-D face descriptors, with the gradient back to the
/// chips' pixels.
///
/// Input: `[N, 150, 150, 3]` NHWC, channels R, G, B, pixel values on the 0...255 scale (the
/// 8-bit levels as floats, no mean subtracted; see `DlibFaceChipDetails` for how dlib cuts a
/// chip). The first layer subtracts dlib's per-channel means and divides by 256 (an `Affine`
/// layer, so every gradient is with respect to the pixels). Output: `[N, 128]` raw descriptors
/// (not L2-normalised). Two faces are the same person when the Euclidean distance between their
/// descriptors is at most `distanceThreshold` (0.6).
///
/// The network follows section 4 of `../shared/docs/dlib-resnet-format.md`: a 7x7/2 stem, 3
/// residual blocks of 32 channels, down blocks to 64, 128 and 256 channels with 3, 2 and 2
/// residual blocks, a last 256-channel down block, global average pooling and a 256 -> 128
/// fully connected layer without bias. The down blocks' shortcuts are `PaddedAdd` (dlib's
/// `add_prev`: the smaller operand is zero-padded at the end of each axis). Images of a batch
/// are independent (there are no batch statistics).
public struct DlibResNet: Sendable {
  /// The layers, named `normalize` (the input normalisation) and then after the stored layer
  /// they come from (`layer0_conv_affine` for a convolution with the affine layer after it
  /// folded in, `layer2_relu`, ..., `layer107_fc`; the shortcut sums are `layerK_add`).
  public let network: Network
  /// dlib's means of R, G and B (0-255 scale), subtracted before dividing by 256.
  public let inputMeans: [Float]
  /// The chip side the network takes (150).
  public let chipSize: Int
  /// The largest descriptor distance at which two faces are the same person (0.6, from the
  /// file's loss block).
  public let distanceThreshold: Float

  /// Reads and builds the network from `dlib_face_recognition_resnet_model_v1.dat`.
  ///
  /// The file's structure is checked, then (unless `checksum` is `.skip`) its SHA-256 against
  /// the published file's (`DlibModelFile.faceRecognitionResNetV1`).
  /// - Throws: `DlibFormatError`.
  public init(contentsOf url: URL, checksum: DlibChecksumPolicy = .verify) throws(DlibFormatError) {
    self.init(description: try DlibResNetDescription(contentsOf: url, checksum: checksum))
  }

  /// Builds the network from a parsed file.
  public init(description: DlibResNetDescription) {
    network = Self.network(for: description, foldingAffines: true)
    inputMeans = description.inputMeans
    chipSize = description.inputColumns
    distanceThreshold = description.distanceThreshold
  }

  /// The descriptors of a batch of chips: `[N, 150, 150, 3]` (RGB, 0...255) to `[N, 128]`.
  /// - Precondition: the input is `[N, chipSize, chipSize, 3]`.
  public func callAsFunction(_ chips: Tensor) -> Tensor {
    checkChips(chips)
    return network(chips)[0]
  }

  /// The descriptors of a batch of chips and the pullback from a descriptor gradient
  /// `[N, 128]` to the chip gradient `[N, 150, 150, 3]` (with respect to the 0...255 pixel
  /// values; the gradient with respect to the normalised network input is 256 times larger).
  ///
  /// Only the input gradient is computed (`GradientScope.input`): no parameter gradients.
  /// - Precondition: the input is `[N, chipSize, chipSize, 3]`.
  public func valueWithPullback(at chips: Tensor)
    -> (value: Tensor, pullback: (_ descriptorGradient: Tensor) -> Tensor)
  {
    checkChips(chips)
    let (outputs, pullback) = network.valueWithPullback(at: chips, scope: .input)
    return (outputs[0], { gradient in pullback([gradient]).input })
  }

  /// The descriptor of one 8-bit chip (any size is an error: resize or cut it first).
  /// - Precondition: `chip` is `chipSize x chipSize`.
  public func descriptor(of chip: RGBImage) -> [Float] {
    self(Tensor(image: chip)).scalars
  }

  /// The Euclidean distance between two descriptors, accumulated in `Double`.
  /// - Precondition: equal lengths.
  public static func distance(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count, "[DlibResNet] descriptors of \(a.count) and \(b.count) values")
    return zip(a, b).reduce(0.0) { sum, pair in
      let d = Double(pair.0) - Double(pair.1)
      return sum + d * d
    }.squareRoot()
  }

  private func checkChips(_ chips: Tensor) {
    precondition(
      chips.rank == 4 && chips.shape[1] == chipSize && chips.shape[2] == chipSize
        && chips.shape[3] == 3,
      "[DlibResNet] chips have shape \(chips.shape), expected [N, \(chipSize), \(chipSize), 3]")
  }

  /// The network for `description`, whose outputs are the values after the stored layers
  /// `outputsAfterLayers` (indices 0...107 of the format note's appendix; -1 is the normalised
  /// input) in that order, then the descriptor.
  ///
  /// The file's tags and skips become graph edges: `.tag(id)` remembers the current node,
  /// `.skip(tag:)` continues from the remembered node, `.addPrevious(tag:)` adds it. With
  /// `foldingAffines`, every affine layer that follows a convolution is folded into it
  /// (`kernel'[..., oc] = kernel[..., oc] gamma[oc]`, `bias' = bias gamma + beta`): the same
  /// function up to Float rounding, one pass over the activations fewer per convolution; the
  /// layer is then named `layerK_conv_affine`.
  /// - Precondition: no outputs are asked for when folding (the folded values do not exist).
  static func network(
    for description: DlibResNetDescription, outputsAfterLayers taps: [Int] = [],
    foldingAffines: Bool = false
  ) -> Network {
    precondition(taps.isEmpty || !foldingAffines, "[DlibResNet] taps of a folded network")
    var builder = NetworkBuilder()
    let normalize = Affine(
      gamma: Tensor(repeating: 1 / 256, shape: [3]),
      beta: Tensor(shape: [3], scalars: description.inputMeans.map { -$0 / 256 }))
    // x / 256 - mean / 256 rounds exactly as (x - mean) / 256: 256 is a power of two.
    var current = builder.add(normalize, named: "normalize", from: builder.input)
    var nodeAfterLayer: [Int: NetworkNode] = [-1: current]
    var tagged: [Int: NetworkNode] = [:]
    var layerIndex = 0
    var pendingConvolution: (conv: DlibConvolution, name: String)?
    for node in description.nodes {
      let name = "layer\(layerIndex)"
      if let (conv, convName) = pendingConvolution {
        pendingConvolution = nil
        if case .affine(let gamma, let beta) = node {
          current = builder.add(
            conv.folded(gamma: gamma, beta: beta), named: convName + "_affine", from: current)
          layerIndex += 1
          continue
        }
        current = builder.add(conv.layer, named: convName, from: current)
      }
      switch node {
      case .tag(let id):
        tagged[id] = current
        continue
      case .skip(let id):
        current = remembered(id, in: tagged)
        continue
      case .convolution(let conv) where foldingAffines:
        pendingConvolution = (conv, name + "_conv")
        layerIndex += 1
        continue
      case .convolution(let conv):
        current = builder.add(conv.layer, named: name + "_conv", from: current)
      case .affine(let gamma, let beta):
        current = builder.add(
          Affine(gamma: gamma, beta: beta), named: name + "_affine", from: current)
      case .relu:
        current = builder.add(ReLU(), named: name + "_relu", from: current)
      case .maxPool(let pool):
        current = builder.add(
          MaxPool2D(
            window: (pool.kernelHeight, pool.kernelWidth), strides: (pool.strideY, pool.strideX),
            padding: pooling(pool)), named: name + "_maxpool", from: current)
      case .averagePool(let pool) where pool.isGlobal:
        current = builder.add(GlobalAveragePool(), named: name + "_globalpool", from: current)
      case .averagePool(let pool):
        current = builder.add(
          AvgPool2D(
            window: (pool.kernelHeight, pool.kernelWidth), strides: (pool.strideY, pool.strideX),
            padding: pooling(pool)), named: name + "_avgpool", from: current)
      case .addPrevious(let id):
        current = builder.add(
          PaddedAdd(), named: name + "_add", from: [current, remembered(id, in: tagged)])
      case .fullyConnected(let weights):
        current = builder.add(Dense(kernel: weights, bias: nil), named: name + "_fc", from: current)
      }
      nodeAfterLayer[layerIndex] = current
      layerIndex += 1
    }
    if let (conv, convName) = pendingConvolution {
      current = builder.add(conv.layer, named: convName, from: current)
    }
    let outputs = taps.map { index -> NetworkNode in
      guard let node = nodeAfterLayer[index] else {
        preconditionFailure("[DlibResNet] no stored layer \(index) (0..<\(layerIndex))")
      }
      return node
    }
    return builder.build(outputs: outputs + [current])
  }

  /// dlib's pooling padding (symmetric) as `Padding`.
  private static func pooling(_ pool: DlibPooling) -> Padding {
    .explicit(top: pool.padY, bottom: pool.padY, left: pool.padX, right: pool.padX)
  }

  /// The node remembered under `tag`.
  private static func remembered(_ tag: Int, in tagged: [Int: NetworkNode]) -> NetworkNode {
    guard let node = tagged[tag] else {
      preconditionFailure("[DlibResNet] the topology reads tag \(tag) before setting it")
    }
    return node
  }
}
