import FaceNets
import FaceTensor
import FaceTestSupport

extension ConvolutionShape {
  /// The row label, such as `3x3/1 55x55x64->64`.
  var label: String {
    "\(kernel)x\(kernel)/\(stride) \(inputSize)x\(inputSize)x\(inputChannels)->\(outputChannels)"
  }
}

/// The layers of keras-vggface ResNet-50 in order, as the activation sizes each layer sees, and
/// the network itself, built from the convolution table.
extension ResNet50Shapes {
  /// One use of a layer in the network, with the shape it sees (batch 1, NHWC).
  enum LayerUse: Hashable {
    case conv(ConvolutionShape)
    case batchNorm([Int])
    case relu([Int])
    case add([Int])
    case maxPool([Int])
    case avgPool([Int])
    case dense(inputs: Int, outputs: Int)
  }

  /// Every layer in network order (Flatten, a reshape, left out).
  static var layerUses: [LayerUse] {
    let convs = convolutions
    var uses: [LayerUse] = []
    func convAndNorm(_ c: ConvolutionShape) -> [Int] {
      let shape = [1, c.outputSize, c.outputSize, c.outputChannels]
      uses.append(.conv(c))
      uses.append(.batchNorm(shape))
      return shape
    }
    var next = 0
    func take() -> ConvolutionShape { defer { next += 1 }; return convs[next] }
    let stem = convAndNorm(take())
    uses.append(.relu(stem))
    uses.append(.maxPool(stem))
    for (_, blocks, _) in stages {
      for block in 0..<blocks {
        uses.append(.relu(convAndNorm(take())))
        uses.append(.relu(convAndNorm(take())))
        let out = convAndNorm(take())
        if block == 0 { _ = convAndNorm(take()) }
        uses.append(.add(out))
        uses.append(.relu(out))
      }
    }
    uses.append(.avgPool([1, 7, 7, 2048]))
    uses.append(.dense(inputs: 2048, outputs: 8631))
    return uses
  }

  /// The whole network with random weights (He-uniform kernels, near-identity batch norms,
  /// epsilon 1e-3), input `[1, 224, 224, 3]`, output the 8631 classifier logits.
  static func network(seed: UInt64) -> Network {
    var g = SplitMix64(seed: seed)
    func random(_ shape: [Int], limit: Float) -> Tensor {
      g.uniformTensor(shape, in: -limit...limit)
    }
    var b = NetworkBuilder()
    var counter = 0
    func name(_ kind: String) -> String {
      counter += 1
      return "\(kind)_\(counter)"
    }
    func conv(_ x: NetworkNode, _ c: ConvolutionShape) -> NetworkNode {
      let fanIn = Float(c.kernel * c.kernel * c.inputChannels)
      let limit = (6 / fanIn).squareRoot()
      let kernel = random([c.kernel, c.kernel, c.inputChannels, c.outputChannels], limit: limit)
      let y = b.add(
        Conv2D(kernel: kernel, bias: nil, strides: (c.stride, c.stride), padding: c.padding),
        named: name("conv"), from: x)
      let bn = BatchNorm(
        gamma: random([c.outputChannels], limit: 0.1) + 1,
        beta: random([c.outputChannels], limit: 0.1),
        movingMean: random([c.outputChannels], limit: 0.1),
        movingVariance: random([c.outputChannels], limit: 0.1) + 1,
        epsilon: 1e-3)
      return b.add(bn, named: name("bn"), from: y)
    }
    let convs = convolutions
    var next = 0
    func takeConv() -> ConvolutionShape { defer { next += 1 }; return convs[next] }
    var x = b.add(ReLU(), named: name("relu"), from: conv(b.input, takeConv()))
    x = b.add(MaxPool2D(window: (3, 3), strides: (2, 2)), named: name("pool"), from: x)
    for (_, blocks, _) in stages {
      for block in 0..<blocks {
        var y = b.add(ReLU(), named: name("relu"), from: conv(x, takeConv()))
        y = b.add(ReLU(), named: name("relu"), from: conv(y, takeConv()))
        y = conv(y, takeConv())
        let shortcut = block == 0 ? conv(x, takeConv()) : x
        x = b.add(
          ReLU(), named: name("relu"), from: b.add(Add(), named: name("add"), from: [y, shortcut]))
      }
    }
    x = b.add(AvgPool2D(window: (7, 7)), named: name("avgpool"), from: x)
    x = b.add(Flatten(), named: name("flatten"), from: x)
    let classifier = Dense(
      kernel: random([2048, 8631], limit: (6 / 2048.0).squareRoot()),
      bias: random([8631], limit: 0.01))
    x = b.add(classifier, named: "classifier", from: x)
    return b.build(outputs: [x])
  }
}
