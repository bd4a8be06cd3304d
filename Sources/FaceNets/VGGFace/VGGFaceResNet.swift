import FaceTensor

/// Builds keras-vggface's `RESNET50` and `SENET50` graphs (`keras_vggface/models.py`) from a
/// weights file.
///
/// - Stem: `conv1/7x7_s2` (7x7, stride 2, 'same': 224 → 112, padding 2 top/left and 3
///   bottom/right) → BN → ReLU → 3x3/2 max pool, 'valid' (112 → 55).
/// - Four stages of bottleneck blocks (3, 4, 6, 3 blocks; widths 64/64/256 to 512/512/2048 at full
///   size). Block 1 of each stage is a conv block: `convS_1_1x1_reduce` carries the stride (1 in
///   stage 2, else 2; Caffe style) → BN → ReLU → `_3x3` ('same') → BN → ReLU → `_1x1_increase` →
///   BN, plus the shortcut `_1x1_proj` (same stride) → BN; add; ReLU. The other blocks are identity
///   blocks: no projection, the shortcut is the block input. No convolution has a bias.
/// - SE-ResNet-50 only: after the increase BN, `GlobalAveragePooling2D` → `convS_B_1x1_down`
///   (C → C/16, bias) → ReLU → `convS_B_1x1_up` (→ C, bias) → sigmoid → channel-wise product
///   with the increase BN output, before the shortcut is added. On the 1x1 pooled map these 1x1
///   convolutions are dense layers, built as `Dense` with the `[1, 1, in, out]` kernel viewed as
///   `[in, out]`.
/// - `avg_pool` (7x7 average, 'valid': 7 → 1) → flatten: the features (2048 at full size);
///   with a classifier, `classifier` (dense, its output the logits; keras-vggface's softmax is
///   applied by `VGGFaceModel.probabilities(for:)`). A "notop" file's model ends at the features
///   (Keras adds `GlobalAveragePooling2D` on the 1x1 map, the same values).
///
/// BatchNorm epsilon is 1e-3 (ResNet-50) or 1e-4 (SE-ResNet-50). With `foldingBatchNorm`, every
/// BN is folded into the convolution before it (`Conv2D.folding(_:)`), which is named after the
/// convolution. Widths and the class count come from the file's 1-D weights (`bn/gamma`,
/// `_1x1_down/bias`, `classifier/bias`).
struct VGGFaceResNetBuilder {
  private var base: VGGFaceGraphBuilder
  private let architecture: VGGFaceArchitecture
  private let epsilon: Float
  private let foldingBatchNorm: Bool

  /// The full-size stage filters `(reduce, 3x3, increase)` and block counts.
  private static let stages: [(stage: Int, filters: (Int, Int, Int), blocks: Int)] = [
    (2, (64, 64, 256), 3), (3, (128, 128, 512), 4), (4, (256, 256, 1024), 6),
    (5, (512, 512, 2048), 3),
  ]

  init(architecture: VGGFaceArchitecture, loader: KerasWeightLoader, foldingBatchNorm: Bool) {
    precondition(architecture != .vgg16, "[VGGFaceResNetBuilder] \(architecture) is not a ResNet")
    base = VGGFaceGraphBuilder(
      loader: loader, scaleFrom: "gamma", ofLayer: "conv1/7x7_s2/bn", fullWidth: 64)
    self.architecture = architecture
    epsilon = architecture.batchNormEpsilon ?? 1e-3
    self.foldingBatchNorm = foldingBatchNorm
  }

  /// The graph, or every weight that did not fit.
  consuming func build() throws(WeightLoadingError) -> VGGFaceGraph {
    let hasClassifier = base.loader.containsLayer(architecture.classifierLayer)
    let rgb = base.graph.input
    var x = base.graph.add(
      VGGFacePreprocessing(version: architecture.preprocessingVersion), named: "preprocess_input",
      from: rgb)
    let stemWidth = base.width(of: "conv1/7x7_s2/bn", from: "gamma", fullWidth: 64)
    x = convolution(
      "conv1/7x7_s2", from: x, inputs: 3, outputs: stemWidth, kernel: 7, stride: 2, padding: .same)
    x = base.graph.add(ReLU(), named: "conv1/relu", from: x)
    x = base.graph.add(MaxPool2D(window: (3, 3), strides: (2, 2)), named: "pool1/3x3_s2", from: x)
    var channels = stemWidth
    for (stage, filters, blocks) in VGGFaceResNetBuilder.stages {
      for block in 1...blocks {
        (x, channels) = bottleneck(
          stage: stage, block: block, from: x, inputs: channels, fullFilters: filters,
          stride: block == 1 && stage > 2 ? 2 : 1)
      }
    }
    x = base.graph.add(AvgPool2D(window: (7, 7)), named: "avg_pool", from: x)
    let features = base.graph.add(Flatten(), named: "flatten", from: x)
    var classCount: Int?
    var outputs = [features]
    if hasClassifier {
      let name = architecture.classifierLayer
      let classes = base.classCount(of: name)
      outputs = [base.dense(name, from: features, inputs: channels, outputs: classes), features]
      classCount = classes
    }
    try base.finish(expected: architecture)
    return VGGFaceGraph(
      network: base.graph.build(outputs: outputs), classCount: classCount, featureCount: channels)
  }

  /// One conv or identity block; returns its output node and channel count.
  private mutating func bottleneck(
    stage: Int, block: Int, from input: NetworkNode, inputs: Int, fullFilters: (Int, Int, Int),
    stride: Int
  ) -> (NetworkNode, Int) {
    let name = "conv\(stage)_\(block)"
    let isConvBlock = block == 1
    let reduce = base.width(of: "\(name)_1x1_reduce/bn", from: "gamma", fullWidth: fullFilters.0)
    let middle = base.width(of: "\(name)_3x3/bn", from: "gamma", fullWidth: fullFilters.1)
    let outputs =
      isConvBlock
      ? base.width(of: "\(name)_1x1_increase/bn", from: "gamma", fullWidth: fullFilters.2) : inputs
    var x = convolution(
      "\(name)_1x1_reduce", from: input, inputs: inputs, outputs: reduce, kernel: 1, stride: stride,
      padding: .valid)
    x = base.graph.add(ReLU(), named: "\(name)_1x1_reduce/relu", from: x)
    x = convolution(
      "\(name)_3x3", from: x, inputs: reduce, outputs: middle, kernel: 3, stride: 1, padding: .same)
    x = base.graph.add(ReLU(), named: "\(name)_3x3/relu", from: x)
    x = convolution(
      "\(name)_1x1_increase", from: x, inputs: middle, outputs: outputs, kernel: 1, stride: 1,
      padding: .valid)
    if architecture == .senet50 {
      x = squeezeExcitation(name, from: x, channels: outputs, fullChannels: fullFilters.2)
    }
    var shortcut = input
    if isConvBlock {
      shortcut = convolution(
        "\(name)_1x1_proj", from: input, inputs: inputs, outputs: outputs, kernel: 1,
        stride: stride,
        padding: .valid)
    }
    x = base.graph.add(Add(), named: "\(name)/add", from: [x, shortcut])
    return (base.graph.add(ReLU(), named: "\(name)/relu", from: x), outputs)
  }

  /// The SE branch of block `name` applied to `input` (`[N, H, W, channels]`).
  private mutating func squeezeExcitation(
    _ name: String, from input: NetworkNode, channels: Int, fullChannels: Int
  ) -> NetworkNode {
    let down = "\(name)_1x1_down"
    let up = "\(name)_1x1_up"
    let bottleneck = base.width(of: down, from: "bias", fullWidth: fullChannels / 16)
    var s = base.graph.add(GlobalAveragePool(), named: "\(name)/se_pool", from: input)
    s = pointwiseDense(down, from: s, inputs: channels, outputs: bottleneck)
    s = base.graph.add(ReLU(), named: "\(down)/relu", from: s)
    s = pointwiseDense(up, from: s, inputs: bottleneck, outputs: channels)
    s = base.graph.add(Sigmoid(), named: "\(up)/sigmoid", from: s)
    return base.graph.add(Multiply(), named: "\(name)/se_scale", from: [input, s])
  }

  /// A 1x1 convolution with bias on a 1x1 map, as a dense layer on `[N, inputs]`.
  private mutating func pointwiseDense(
    _ name: String, from source: NetworkNode, inputs: Int, outputs: Int
  )
    -> NetworkNode
  {
    let kernel = base.loader.take("kernel", ofLayer: name, shape: [1, 1, inputs, outputs])
    let bias = base.loader.take("bias", ofLayer: name, shape: [outputs])
    return base.graph.add(
      Dense(kernel: kernel.reshaped(to: [inputs, outputs]), bias: bias), named: name, from: source)
  }

  /// Convolution `name` (no bias) followed by its batch norm `name/bn`, folded into one layer
  /// named `name` or kept as two.
  private mutating func convolution(
    _ name: String, from source: NetworkNode, inputs: Int, outputs: Int, kernel size: Int,
    stride: Int, padding: Padding
  ) -> NetworkNode {
    let kernel = base.loader.take("kernel", ofLayer: name, shape: [size, size, inputs, outputs])
    let bnName = "\(name)/bn"
    let batchNorm = BatchNorm(
      gamma: base.loader.take("gamma", ofLayer: bnName, shape: [outputs]),
      beta: base.loader.take("beta", ofLayer: bnName, shape: [outputs]),
      movingMean: base.loader.take("movingMean", ofLayer: bnName, shape: [outputs]),
      movingVariance: base.loader.take("movingVariance", ofLayer: bnName, shape: [outputs]),
      epsilon: epsilon)
    let conv = Conv2D(kernel: kernel, bias: nil, strides: (stride, stride), padding: padding)
    if foldingBatchNorm {
      return base.graph.add(conv.folding(batchNorm), named: name, from: source)
    }
    let x = base.graph.add(conv, named: name, from: source)
    return base.graph.add(batchNorm, named: bnName, from: x)
  }
}
