import FaceTensor
import Foundation
import Testing

@testable import FaceNets

/// The slim keras-vggface fixtures (`Fixtures/vggface`, written by
/// `Scripts/reference/vggface_slim_reference.py` with TensorFlow 2.15 / Keras 2.15): weights files,
/// input PNGs, and the reference numbers in `reference.json` and `gradients.h5`.
enum VGGFaceFixtures {
  /// `reference.json`.
  struct Reference: Decodable {
    struct Model: Decodable {
      let weights: String
      let weightsNotop: String
      let preprocessVersion: Int
      let labelsFile: String
      let outputClasses: Int
      let featureDim: Int
      let params: Int
      let paramsNotop: Int
      let images: [String: Image]
    }

    struct Image: Decodable {
      let probabilities: [Double]
      let top5: [Int]
      let top5Labels: [String]
      let minGapTop6: Double
      let lossLabel: Int
      let loss: Double
      let gradientDataset: String?
      let gradientL2: Double
      let gradientMaxAbs: Double
      let notopFeatureFirst16: [Double]
      let notopFeatureL2: Double
    }

    let classes: Int
    let slimLabelsV1: [String]
    let slimLabelsV2: [String]
    let slimLabelsV2RealIndex: [String: Int]
    let models: [String: Model]

    /// The entry of `architecture`.
    func model(_ architecture: VGGFaceArchitecture) throws -> Model {
      try #require(models[architecture.rawValue], "reference.json has no model '\(architecture)'")
    }
  }

  /// `facts.preprocess_input` of `reference.json`.
  struct PreprocessFacts: Decodable {
    let version1VGG16BGRMeans: [Double]
    let version2ResNet50SENet50BGRMeans: [Double]

    enum CodingKeys: String, CodingKey {
      case version1VGG16BGRMeans = "version_1_vgg16_bgr_means"
      case version2ResNet50SENet50BGRMeans = "version_2_resnet50_senet50_bgr_means"
    }
  }

  /// The preprocessing means recorded in `reference.json`.
  static func referenceFacts() throws -> PreprocessFacts {
    struct Root: Decodable {
      struct Facts: Decodable {
        let preprocessInput: PreprocessFacts
        enum CodingKeys: String, CodingKey { case preprocessInput = "preprocess_input" }
      }
      let facts: Facts
    }
    return try JSONDecoder().decode(Root.self, from: Data(contentsOf: url("reference.json"))).facts
      .preprocessInput
  }

  /// The input images in a fixed order.
  static let imageKeys = ["obama_face", "sharon", "ivan_crop"]

  /// `Fixtures/vggface/<name>`.
  static func url(_ name: String) throws -> URL {
    let folder = try #require(Bundle.module.resourceURL?.appendingPathComponent("Fixtures/vggface"))
    let url = folder.appendingPathComponent(name)
    try #require(FileManager.default.fileExists(atPath: url.path), "missing fixture \(url.path)")
    return url
  }

  /// The parsed `reference.json`.
  static func reference() throws -> Reference {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(Reference.self, from: Data(contentsOf: url("reference.json")))
  }

  /// The input images as one batch `[3, 224, 224, 3]`, RGB 0...255, in `imageKeys` order.
  static func imageBatch() throws -> Tensor {
    var scalars: [Float] = []
    for key in imageKeys {
      let image = try RGBImage(contentsOf: url("\(key).png"))
      try #require(image.width == 224 && image.height == 224)
      scalars += image.pixels.map(Float.init)
    }
    return Tensor(shape: [imageKeys.count, 224, 224, 3], scalars: scalars)
  }

  /// Row `n` of a `[N, K]` tensor.
  static func row(_ n: Int, of t: Tensor) -> [Float] {
    let k = t.shape[1]
    return Array(t.scalars[(n * k)..<((n + 1) * k)])
  }

  /// Image `n` of an NHWC batch, as a batch of one.
  static func image(_ n: Int, of batch: Tensor) -> Tensor {
    let size = batch.count / batch.shape[0]
    return Tensor(
      shape: [1] + batch.shape.dropFirst(),
      scalars: Array(batch.scalars[(n * size)..<((n + 1) * size)]))
  }

  /// The class indices of `p` from the most to the least probable (ties in index order).
  static func ranking(_ p: [Float]) -> [Int] {
    p.indices.sorted { (p[$0], $1) > (p[$1], $0) }
  }

  /// `Σ a·b / (|a| |b|)` in Double.
  static func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var (dot, aa, bb) = (0.0, 0.0, 0.0)
    for (x, y) in zip(a, b) {
      dot += Double(x) * Double(y)
      aa += Double(x) * Double(x)
      bb += Double(y) * Double(y)
    }
    return dot / (aa.squareRoot() * bb.squareRoot())
  }

  /// A temporary folder removed when the returned closure runs.
  static func temporaryFolder() throws -> (url: URL, remove: () -> Void) {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "vggface-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return (url, { try? FileManager.default.removeItem(at: url) })
  }
}
