import FaceTensor

/// A VGGFace network as built from a weights file: the graph and the sizes the file decided.
struct VGGFaceGraph {
  /// Input RGB `[N, 224, 224, 3]` in 0...255; outputs `[logits, features]` with a classifier,
  /// `[features]` without.
  let network: Network
  /// The number of classes, or nil for a file without the classifier.
  let classCount: Int?
  /// The length of the feature vector.
  let featureCount: Int
}

/// What the VGGFace builders share: the weight loader, the graph under construction, and the
/// widths the file decides.
///
/// A width the file gives is taken only up to the full-size width (a class count up to
/// `maxClassCount`): a larger declared length is treated as absent, so the expected shapes stay
/// within the full-size architecture and the oversized weight is reported as mis-shaped, never
/// allocated.
struct VGGFaceGraphBuilder {
  /// The most classes a classifier may have (keras-vggface's largest has 8,631).
  static let maxClassCount = 100_000

  var loader: KerasWeightLoader
  var graph = NetworkBuilder()
  /// The ratio of the file's first convolution width to keras-vggface's (1 for the published
  /// files, 1/16 for the slim test models): the fallback for widths the file does not give.
  let widthScale: Double

  /// A builder over `loader` whose width scale is the length of the 1-D weight `parameter` of
  /// `layer` divided by `fullWidth`.
  init(
    loader: KerasWeightLoader, scaleFrom parameter: String, ofLayer layer: String, fullWidth: Int
  ) {
    self.loader = loader
    widthScale =
      Double(
        VGGFaceGraphBuilder.length(of: parameter, ofLayer: layer, in: loader, atMost: fullWidth)
          ?? fullWidth) / Double(fullWidth)
  }

  /// The width the file gives layer `layer` (the length of its 1-D weight `parameter`, at most
  /// `fullWidth`), or `fullWidth` scaled like the first convolution when the file has no such
  /// weight or a longer one (the weight is then reported by `take`).
  func width(of layer: String, from parameter: String, fullWidth: Int) -> Int {
    VGGFaceGraphBuilder.length(of: parameter, ofLayer: layer, in: loader, atMost: fullWidth)
      ?? max(1, Int((Double(fullWidth) * widthScale).rounded()))
  }

  /// The number of classes of the dense classifier `layer`: its bias length, else its kernel's
  /// output count, else 1 (the missing weights are then reported by `take`); at most
  /// `maxClassCount`.
  func classCount(of layer: String) -> Int {
    let limit = VGGFaceGraphBuilder.maxClassCount
    if let classes = VGGFaceGraphBuilder.length(
      of: "bias", ofLayer: layer, in: loader, atMost: limit)
    {
      return classes
    }
    guard let shape = loader.shape(of: "kernel", inLayer: layer), shape.count == 2, shape[1] > 0,
      shape[1] <= limit
    else {
      return 1
    }
    return shape[1]
  }

  /// The length of a 1-D, non-empty weight of at most `limit` elements, else nil.
  private static func length(
    of parameter: String, ofLayer layer: String, in loader: KerasWeightLoader, atMost limit: Int
  )
    -> Int?
  {
    guard let shape = loader.shape(of: parameter, inLayer: layer), shape.count == 1, shape[0] > 0,
      shape[0] <= limit
    else { return nil }
    return shape[0]
  }

  /// A dense layer `name` with kernel `[inputs, outputs]` and bias `[outputs]` from the file.
  mutating func dense(_ name: String, from source: NetworkNode, inputs: Int, outputs: Int)
    -> NetworkNode
  {
    let kernel = loader.take("kernel", ofLayer: name, shape: [inputs, outputs])
    let bias = loader.take("bias", ofLayer: name, shape: [outputs])
    return graph.add(Dense(kernel: kernel, bias: bias), named: name, from: source)
  }

  /// `finish()` of the loader, with a hint naming the architecture the file looks like when it
  /// is not `expected`.
  func finish(expected: VGGFaceArchitecture) throws(WeightLoadingError) {
    var hint: String?
    let fileLayers = Set(loader.layersWithWeights)
    if let found = VGGFaceArchitecture.recognized(inLayers: fileLayers), found != expected {
      hint = "the file looks like keras-vggface's \(found) weights, not \(expected)"
    }
    try loader.finish(hint: hint)
  }
}
