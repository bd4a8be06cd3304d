import FaceTensor
import Foundation

/// The layout of a Keras 2 weights file as `../shared/fixtures/vggface2-resnet50-h5-manifest.json`
/// describes it (every layer in `layer_names` order, each weight's name, HDF5 path and shape), and
/// a writer of files with that layout and seeded random weights: the full-size ResNet-50 file
/// without the 165 MB download.
public struct KerasManifest: Decodable, Sendable {
  /// One weight dataset.
  public struct Weight: Decodable, Sendable {
    /// The name in the layer's `weight_names` (`conv1/7x7_s2/kernel:0`).
    public let weightName: String
    /// `kernel`, `bias`, `gamma`, `beta`, `moving_mean` or `moving_variance`.
    public let role: String
    /// The dataset's absolute HDF5 path.
    public let h5Path: String
    /// The dataset's shape.
    public let shape: [Int]
  }

  /// One layer.
  public struct Layer: Decodable, Sendable {
    /// The layer name (also its HDF5 group).
    public let name: String
    /// The Keras class (`Conv2D`, `BatchNormalization`, ...).
    public let className: String
    /// Its weights in `weight_names` order.
    public let weights: [Weight]
  }

  /// Totals of the described model.
  public struct Summary: Decodable, Sendable {
    /// Keras's `count_params()`.
    public let totalParams: Int
  }

  /// The root attribute `layer_names`.
  public let layerNames: [String]
  /// Every layer.
  public let layers: [Layer]
  /// Totals.
  public let summary: Summary

  /// The manifest in the JSON file at `url`.
  public static func load(from url: URL) throws -> KerasManifest {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(KerasManifest.self, from: Data(contentsOf: url))
  }

  /// Writes a weights file with this layout to `url`: string attributes of `stringType`, an empty
  /// float64 `weight_names` for weightless layers (what Keras writes), and seeded random float32
  /// values that keep a ResNet's activations finite: kernels uniform in `±sqrt(6 / fan_in)`
  /// (`±sqrt(3 / fan_in)` for the classifier), biases and BN offsets and means in ±0.1, BN scales
  /// in 0.2...0.6, variances in 0.5...1.5.
  public func writeRandomWeights(to url: URL, seed: UInt64, stringType: HDF5StringType) throws {
    var generator = SplitMix64(seed: seed)
    let writer = try HDF5Writer(creatingFileAt: url)
    try writer.writeStringArrayAttribute(layerNames, named: "layer_names", at: "/", as: stringType)
    try writer.writeStringAttribute("tensorflow", named: "backend", at: "/", as: stringType)
    try writer.writeStringAttribute("2.15.0", named: "keras_version", at: "/", as: stringType)
    let layersByName = Dictionary(
      layers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    for name in layerNames {
      try writer.createGroup(at: name)
      let weights = layersByName[name]?.weights ?? []
      if weights.isEmpty {
        try writer.writeEmptyFloat64ArrayAttribute(named: "weight_names", at: name)
        continue
      }
      try writer.writeStringArrayAttribute(
        weights.map(\.weightName), named: "weight_names", at: name, as: stringType)
      for weight in weights {
        let range = KerasManifest.valueRange(
          of: weight, dense: layersByName[name]?.className == "Dense")
        let count = weight.shape.reduce(1, *)
        let values = Tensor(shape: weight.shape) { buffer in
          for i in 0..<count { buffer[i] = Float.random(in: range, using: &generator) }
        }
        try writer.writeDataset(values, at: weight.h5Path)
      }
    }
    try writer.finish()
  }

  private static func valueRange(of weight: Weight, dense: Bool) -> ClosedRange<Float> {
    switch weight.role {
    case "kernel":
      let fanIn = Float(weight.shape.dropLast().reduce(1, *))
      let limit = ((dense ? 3 : 6) / fanIn).squareRoot()
      return -limit...limit
    case "gamma": return 0.2...0.6
    case "moving_variance": return 0.5...1.5
    default: return -0.1...0.1
    }
  }
}
