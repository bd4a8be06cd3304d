import FaceNets
import FaceTensor
import FaceTestSupport

/// Seeded synthetic images of a few classes, each a class pattern plus noise, for training a
/// small classifier inside a test.
///
/// Images are `[N, 12, 12, 3]` NHWC RGB with whole 8-bit levels in 0...255 (what a PNG holds):
/// `round(clamp(128 + amplitude · P_k + noise · 𝒩(0, 1)))`, with `P_k` a blocky pattern in
/// −1...1 (one uniform value per 3×3 block and channel) drawn once per class.
struct SyntheticPatterns {
  /// Image side, pixels.
  static let side = 12
  /// Channels (RGB).
  static let channels = 3
  /// Block side of a class pattern, pixels.
  static let block = 3

  /// The number of classes.
  let classCount: Int
  /// The class patterns, `classCount` arrays of `side · side · channels` values in −1...1.
  let patterns: [[Float]]
  /// The pattern's scale, levels.
  let amplitude: Float
  /// The noise's standard deviation, levels.
  let noise: Float

  /// Patterns drawn from `generator`.
  init(classCount: Int, amplitude: Float, noise: Float, generator: inout SplitMix64) {
    let blocks = Self.side / Self.block
    self.classCount = classCount
    self.amplitude = amplitude
    self.noise = noise
    patterns = (0..<classCount).map { _ in
      let values = (0..<(blocks * blocks * Self.channels)).map { _ in generator.uniform(-1...1) }
      var pattern = [Float](repeating: 0, count: Self.side * Self.side * Self.channels)
      for y in 0..<Self.side {
        for x in 0..<Self.side {
          for c in 0..<Self.channels {
            let b = ((y / Self.block) * blocks + x / Self.block) * Self.channels + c
            pattern[(y * Self.side + x) * Self.channels + c] = values[b]
          }
        }
      }
      return pattern
    }
  }

  /// `count` images `[count, 12, 12, 3]` and their labels, the classes in turn.
  func samples(count: Int, generator: inout SplitMix64) -> (images: Tensor, labels: [Int]) {
    let pixels = Self.side * Self.side * Self.channels
    var scalars = [Float]()
    scalars.reserveCapacity(count * pixels)
    let labels = (0..<count).map { $0 % classCount }
    for label in labels {
      for value in patterns[label] {
        let level = 128 + amplitude * value + noise * Float(generator.normal())
        scalars.append(min(max(level.rounded(), 0), 255))
      }
    }
    return (Tensor(shape: [count, Self.side, Self.side, Self.channels], scalars: scalars), labels)
  }
}

/// A small convolutional classifier built and trained inside a test with FaceNets' own layers and
/// parameter gradients.
///
/// `[N, 12, 12, 3]` pixels in 0...255 → `Affine` (÷ 64, − 2) → `Conv2D` 3×3×3×8 'same' → `ReLU`
/// → `MaxPool2D` 2×2 → `Flatten` → `Dense` 288 → K logits. Trained by plain full-batch SGD on the
/// mean cross-entropy.
enum PatternClassifier {
  /// A trained layer got no gradient for one of its parameters.
  struct MissingGradient: Error {
    /// The layer's name.
    let layer: String
  }

  /// The untrained network with He-initialised weights drawn from `generator`.
  static func make(classCount: Int, generator: inout SplitMix64) -> Network {
    let filters = 8
    let side = SyntheticPatterns.side
    let features = (side / 2) * (side / 2) * filters
    let scaling = Affine(
      gamma: Tensor(repeating: 1 / 64, shape: [3]), beta: Tensor(repeating: -2, shape: [3]))
    let conv = Conv2D(
      kernel: heInitialised([3, 3, 3, filters], fanIn: 27, generator: &generator),
      bias: Tensor(zeros: [filters]), padding: .same)
    let dense = Dense(
      kernel: heInitialised([features, classCount], fanIn: features, generator: &generator),
      bias: Tensor(zeros: [classCount]))
    var builder = NetworkBuilder()
    var node = builder.add(scaling, named: "scaling", from: builder.input)
    node = builder.add(conv, named: "conv", from: node)
    node = builder.add(ReLU(), named: "relu", from: node)
    node = builder.add(MaxPool2D(window: (2, 2)), named: "pool", from: node)
    node = builder.add(Flatten(), named: "flatten", from: node)
    node = builder.add(dense, named: "dense", from: node)
    return builder.build(outputs: [node])
  }

  /// `steps` full-batch SGD steps of size `learningRate` on the mean cross-entropy of `images`
  /// `[N, 12, 12, 3]` against `labels` (the layers "conv" and "dense" are trained, the input scaling
  /// stays fixed); returns the loss before each step.
  static func train(
    _ network: inout Network, images: Tensor, labels: [Int], steps: Int, learningRate: Float
  ) throws -> [Float] {
    var losses: [Float] = []
    for _ in 0..<steps {
      let (outputs, pullback) = network.valueWithPullback(at: images, scope: .inputAndParameters)
      let (loss, dLogits) = meanCrossEntropy(logits: outputs[0], labels: labels)
      losses.append(loss)
      let gradients = pullback([dLogits]).parameters
      // A Conv2D and a Dense: both gradients are `KernelBiasGradient`s.
      let trained = [
        ("conv", gradients?.gradient(ofLayer: "conv", as: Conv2D.self)),
        ("dense", gradients?.gradient(ofLayer: "dense", as: Dense.self)),
      ]
      for (layer, gradient) in trained {
        guard let gradient, let current = network.parameters(ofLayer: layer) else {
          throw MissingGradient(layer: layer)
        }
        let gradientByName = ["kernel": gradient.kernel, "bias": gradient.bias]
        for (name, value) in current {
          guard let step = gradientByName[name] ?? nil else { throw MissingGradient(layer: layer) }
          try network.setParameter(layer: layer, name: name, to: value - learningRate * step)
        }
      }
    }
    return losses
  }

  /// The predicted class of each image.
  static func predictions(of network: Network, images: Tensor) -> [Int] {
    let logits = network(images)[0]
    let k = logits.shape[1]
    return (0..<logits.shape[0]).map { i in
      let row = logits.scalars[(i * k)..<((i + 1) * k)]
      return row.indices.max { row[$0] < row[$1] }.map { $0 - i * k } ?? 0
    }
  }

  /// The mean cross-entropy of softmax(`logits` `[N, K]`) against `labels`, and its gradient
  /// `(softmax − onehot) / N` with respect to the logits.
  static func meanCrossEntropy(logits: Tensor, labels: [Int]) -> (Float, Tensor) {
    let (n, k) = (logits.shape[0], logits.shape[1])
    let logProbabilities = logits.logSoftmax().scalars
    var gradient = logits.softmax().scalars
    var loss = 0.0
    for (i, label) in labels.enumerated() {
      loss -= Double(logProbabilities[i * k + label])
      gradient[i * k + label] -= 1
    }
    let scale = 1 / Float(n)
    return (Float(loss) * scale, Tensor(shape: [n, k], scalars: gradient.map { $0 * scale }))
  }

  private static func heInitialised(_ shape: [Int], fanIn: Int, generator: inout SplitMix64)
    -> Tensor
  {
    let std = (2 / Float(fanIn)).squareRoot()
    let count = shape.reduce(1, *)
    return Tensor(shape: shape, scalars: (0..<count).map { _ in std * Float(generator.normal()) })
  }
}
