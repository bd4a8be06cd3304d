import FaceTensor

/// Builds keras-vggface's `VGG16` graph (`keras_vggface/models.py`) from a weights file.
///
/// - Five blocks of 3x3 'same' convolutions with bias and ReLU (`conv1_1`, `conv1_2`; `conv2_1`,
///   `conv2_2`; `conv3_1`...`conv3_3`; `conv4_*`; `conv5_*`; widths 64, 128, 256, 512, 512 at full
///   size), each block ending in a 2x2/2 max pool (`pool1`...`pool5`; 224 → 7).
/// - With the classifier: flatten (Keras order `(h, w, c)`) → `fc6` (dense, 4096 at full size) →
///   ReLU → `fc7` (4096) → ReLU → `fc8` (its output the logits; the softmax is applied by
///   `VGGFaceModel.probabilities(for:)`). The features are the `fc7` ReLU output.
/// - Without ("notop" files): the features are pool5 averaged over its 7x7 pixels (Keras
///   `pooling='avg'`: 512 at full size), not the fc7 descriptor.
///
/// Widths and the class count come from each layer's `bias`.
struct VGGFaceVGG16Builder {
  private var base: VGGFaceGraphBuilder

  /// Full-size block widths and convolution counts.
  private static let blocks: [(block: Int, width: Int, convolutions: Int)] = [
    (1, 64, 2), (2, 128, 2), (3, 256, 3), (4, 512, 3), (5, 512, 3),
  ]

  init(loader: KerasWeightLoader) {
    base = VGGFaceGraphBuilder(loader: loader, scaleFrom: "bias", ofLayer: "conv1_1", fullWidth: 64)
  }

  /// The graph, or every weight that did not fit.
  consuming func build() throws(WeightLoadingError) -> VGGFaceGraph {
    let hasClassifier = base.loader.containsLayer(VGGFaceArchitecture.vgg16.classifierLayer)
    var x = base.graph.add(
      VGGFacePreprocessing(version: 1), named: "preprocess_input", from: base.graph.input)
    var channels = 3
    var side = VGGFaceArchitecture.inputSize
    for (block, fullWidth, convolutions) in VGGFaceVGG16Builder.blocks {
      for i in 1...convolutions {
        let name = "conv\(block)_\(i)"
        let width = base.width(of: name, from: "bias", fullWidth: fullWidth)
        let kernel = base.loader.take("kernel", ofLayer: name, shape: [3, 3, channels, width])
        let bias = base.loader.take("bias", ofLayer: name, shape: [width])
        x = base.graph.add(Conv2D(kernel: kernel, bias: bias, padding: .same), named: name, from: x)
        x = base.graph.add(ReLU(), named: "\(name)/relu", from: x)
        channels = width
      }
      x = base.graph.add(MaxPool2D(window: (2, 2), strides: (2, 2)), named: "pool\(block)", from: x)
      side /= 2
    }
    let graph: VGGFaceGraph
    if hasClassifier {
      x = base.graph.add(Flatten(), named: "flatten", from: x)
      var inputs = side * side * channels
      for name in ["fc6", "fc7"] {
        let units = base.width(of: name, from: "bias", fullWidth: 4096)
        x = base.dense(name, from: x, inputs: inputs, outputs: units)
        x = base.graph.add(ReLU(), named: "\(name)/relu", from: x)
        inputs = units
      }
      let classes = base.classCount(of: "fc8")
      let logits = base.dense("fc8", from: x, inputs: inputs, outputs: classes)
      graph = VGGFaceGraph(
        network: base.graph.build(outputs: [logits, x]), classCount: classes, featureCount: inputs)
    } else {
      let features = base.graph.add(GlobalAveragePool(), named: "global_average_pooling2d", from: x)
      graph = VGGFaceGraph(
        network: base.graph.build(outputs: [features]), classCount: nil, featureCount: channels)
    }
    try base.finish(expected: .vgg16)
    return graph
  }
}
