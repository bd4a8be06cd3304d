import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// Loading MTCNN weights: the bundled file, and strictness on small files in its layout.
@Suite struct MTCNNWeightsTests {
  /// The layout of a weights file: per network, its layers in order, each with its weights.
  struct Layout: Sendable {
    struct Layer: Sendable {
      var name: String
      var weights: [(name: String, shape: [Int])]

      mutating func setShape(of weight: String, to shape: [Int]) {
        for i in weights.indices where weights[i].name == weight { weights[i].shape = shape }
      }
    }
    var networks: [(name: String, layers: [Layer])]
    /// Values written instead of zeros, by dataset path (`/onet/conv6-2/conv6-2/bias:0`).
    var values: [String: [Float]] = [:]
    /// Datasets written declaring this shape but holding no data, by dataset path.
    var unwritten: [String: [UInt64]] = [:]

    /// The layout the three networks need, as `Scripts/convert_mtcnn_weights.py` writes it.
    static let complete = Layout(
      networks: MTCNNNetworks.Kind.allCases.map { kind in
        var layers: [Layer] = []
        for parameter in MTCNNNetworks.network(kind).parameterList {
          if layers.last?.name != parameter.layer {
            layers.append(Layer(name: parameter.layer, weights: []))
          }
          layers[layers.count - 1].weights.append(
            ("\(parameter.layer)/\(parameter.name):0", parameter.shape))
        }
        return (kind.rawValue, layers)
      })

    /// Writes zero weights in this layout.
    func write(to url: URL) throws {
      let writer = try HDF5Writer(creatingFileAt: url)
      for network in networks {
        try writer.createGroup(at: network.name)
        try writer.writeStringArrayAttribute(
          network.layers.map(\.name), named: "layer_names", at: network.name, as: .fixedLengthASCII)
        for layer in network.layers {
          let path = HDF5Path.joined(network.name, layer.name)
          try writer.createGroup(at: path)
          try writer.writeStringArrayAttribute(
            layer.weights.map(\.name), named: "weight_names", at: path, as: .fixedLengthASCII)
          for weight in layer.weights {
            let dataset = HDF5Path.joined(path, weight.name)
            if let shape = unwritten[dataset] {
              try writer.writeUnwrittenDataset(declaring: shape, at: dataset)
            } else if let values = values[dataset] {
              try writer.writeDataset(Tensor(shape: weight.shape, scalars: values), at: dataset)
            } else {
              try writer.writeDataset(Tensor(zeros: weight.shape), at: dataset)
            }
          }
        }
      }
      try writer.finish()
    }

    /// The layout with `body` applied to layer `layer` of network `network`.
    func changing(_ network: String, _ layer: String, _ body: (inout Layer) -> Void) -> Layout {
      var copy = self
      let n = copy.networks.firstIndex { $0.name == network }!
      let l = copy.networks[n].layers.firstIndex { $0.name == layer }!
      body(&copy.networks[n].layers[l])
      return copy
    }
  }

  /// A damaged layout and the message its file gives (`FILE` stands for the file's path).
  struct DamageCase: Sendable, CustomStringConvertible {
    let description: String
    let layout: Layout
    let message: String

    static let all = [
      DamageCase(
        description: "a layer missing",
        layout: {
          var layout = Layout.complete
          layout.networks[0].layers.removeAll { $0.name == "prelu3" }
          return layout
        }(),
        message: "FILE: '/pnet' has no weights for layer 'prelu3'"),
      DamageCase(
        description: "an extra layer",
        layout: {
          var layout = Layout.complete
          layout.networks[1].layers.append(.init(name: "conv9", weights: [("conv9/kernel:0", [1])]))
          return layout
        }(),
        message: "FILE: '/rnet' lists layer 'conv9', which rnet does not have"),
      DamageCase(
        description: "a bias missing",
        layout: Layout.complete.changing("onet", "conv1") {
          $0.weights.removeAll { $0.name == "conv1/bias:0" }
        },
        message: "FILE: '/onet/conv1' has no weight 'bias'"),
      DamageCase(
        description: "an extra weight",
        layout: Layout.complete.changing("onet", "prelu5") {
          $0.weights.append(("prelu5/gamma:0", [256]))
        },
        message: "FILE: '/onet/prelu5/prelu5/gamma:0' is not a parameter of its layer"),
      DamageCase(
        description: "a transposed kernel",
        layout: Layout.complete.changing("pnet", "conv2") {
          $0.setShape(of: "conv2/kernel:0", to: [16, 10, 3, 3])
        },
        message:
          "FILE: '/pnet/conv2/conv2/kernel:0' has shape [16, 10, 3, 3], expected [3, 3, 10, 16] "
          + "(the same sizes in another order: the weights must be in the Keras layout, "
          + "kernels [KH, KW, C, OC] and [in, out])"),
      DamageCase(
        description: "a wrong dense size",
        layout: Layout.complete.changing("rnet", "conv4") {
          $0.setShape(of: "conv4/kernel:0", to: [512, 128])
        },
        message: "FILE: '/rnet/conv4/conv4/kernel:0' has shape [512, 128], expected [576, 128]"),
      DamageCase(
        description: "a NaN weight",
        layout: {
          var layout = Layout.complete
          layout.values["/rnet/conv4/conv4/bias:0"] = [Float](repeating: 0, count: 127) + [.nan]
          return layout
        }(),
        message: "FILE: '/rnet/conv4/conv4/bias:0' holds 1 NaN or infinite value (the first at "
          + "index 127)"),
      DamageCase(
        // A dataset holding no data whose header declares terabytes: refused by its shape,
        // never allocated or read.
        description: "a declared shape of terabytes",
        layout: {
          var layout = Layout.complete
          layout.unwritten["/pnet/conv1/conv1/kernel:0"] = [3, 3, 3, 1 << 40]
          return layout
        }(),
        message:
          "FILE: '/pnet/conv1/conv1/kernel:0' has shape [3, 3, 3, 1099511627776], expected "
          + "[3, 3, 3, 10]"),
      DamageCase(
        description: "a network missing",
        layout: {
          var layout = Layout.complete
          layout.networks.removeLast()
          return layout
        }(),
        message: "FILE: no object at '/onet'"),
    ]
  }

  @Test func bundledWeightsLoad() throws {
    let detector = try MTCNN()
    #expect(detector.pnet.parameterList.count == 13)
    #expect(detector.rnet.parameterList.count == 16)
    #expect(detector.onet.parameterList.count == 21)
    // Loaded, not left at zero.
    let alpha = try #require(detector.onet.layer(named: "prelu5") as? PReLU).alpha
    #expect(alpha.scalars.contains { $0 != 0 })
  }

  /// `Fixtures/mtcnn/weight_samples.json`, read from mtcnn 0.1.1's own `.npy` by
  /// `Scripts/fixtures/mtcnn_weight_samples.py`.
  struct WeightSamples: Decodable {
    struct Sample: Decodable {
      let index: Int
      let value: Double
    }
    struct WeightArray: Decodable {
      let network: String
      let layer: String
      let parameter: String
      let shape: [Int]
      let sum: Double
      let samples: [Sample]
    }
    let npy_sha256: String
    let arrays: [WeightArray]
  }

  /// Every weight of the bundled file is the source's: each array's shape, its sum (in Double,
  /// to 1e-9 relative: only the summation order differs) and five of its values bit for bit,
  /// against what the `.npy` in the mtcnn 0.1.1 wheel holds.
  @Test func bundledWeightsAreTheSourcesValues() throws {
    let samples = try JSONDecoder().decode(
      WeightSamples.self, from: Data(contentsOf: MTCNNFixtures.url("weight_samples.json")))
    // The .npy that MTCNN_WEIGHTS.md names as the source of the bundled file.
    #expect(
      samples.npy_sha256 == "9e04e975abf93c7173e956df4b496d6da269e08b9e87f2daec963ee1176576b0")
    let detector = try MTCNN()
    let networks = ["pnet": detector.pnet, "rnet": detector.rnet, "onet": detector.onet]
    let parameterCount = networks.values.reduce(0) { $0 + $1.parameterList.count }
    #expect(samples.arrays.count == parameterCount && parameterCount == 50)
    for array in samples.arrays {
      let label = "\(array.network)/\(array.layer)/\(array.parameter)"
      let network = try #require(networks[array.network], "\(label)")
      let tensor = try #require(
        network.parameters(ofLayer: array.layer)?[array.parameter], "\(label)")
      #expect(tensor.shape == array.shape, "\(label)")
      let sum = tensor.scalars.reduce(0.0) { $0 + Double($1) }
      #expect(abs(sum - array.sum) <= 1e-9 * max(1, abs(array.sum)), "\(label): sum \(sum)")
      for sample in array.samples {
        #expect(
          tensor.scalars[sample.index] == Float(sample.value),
          "\(label)[\(sample.index)]: \(tensor.scalars[sample.index]), source \(sample.value)")
      }
    }
  }

  @Test func completeLayoutLoads() throws {
    let url = temporaryURL()
    defer { try? FileManager.default.removeItem(at: url) }
    try Layout.complete.write(to: url)
    _ = try MTCNN(weightsAt: url)
  }

  @Test(arguments: DamageCase.all)
  func damagedFileIsRejected(_ c: DamageCase) throws {
    let url = temporaryURL()
    defer { try? FileManager.default.removeItem(at: url) }
    try c.layout.write(to: url)
    do {
      _ = try MTCNN(weightsAt: url)
      Issue.record("\(c) was accepted")
    } catch {
      #expect(error.description == c.message.replacingOccurrences(of: "FILE", with: url.path))
    }
  }

  /// O-Net regression outputs of 1e30 (finite weights, runaway boxes): every candidate is
  /// dropped, so the detector returns no face instead of boxes no integer can hold.
  @Test func runawayBoxesAreDroppedNotConverted() throws {
    let url = temporaryURL()
    defer { try? FileManager.default.removeItem(at: url) }
    var layout = Layout.complete
    // Every P-Net cell, R-Net and O-Net crop scores as a face.
    layout.values["/pnet/conv4-1/conv4-1/bias:0"] = [0, 10]
    layout.values["/rnet/conv5-1/conv5-1/bias:0"] = [0, 10]
    layout.values["/onet/conv6-1/conv6-1/bias:0"] = [0, 10]
    layout.values["/onet/conv6-2/conv6-2/bias:0"] = [1e30, 1e30, 1e30, 1e30]
    try layout.write(to: url)
    let detector = try MTCNN(weightsAt: url)
    let image = RGBImage(width: 40, height: 40, pixels: [UInt8](repeating: 90, count: 40 * 40 * 3))
    #expect(detector.proposals(in: image).isEmpty == false)
    #expect(detector.detect(in: image).isEmpty)
  }

  /// A detection built with non-finite corners reports a box without trapping.
  @Test func nonFiniteCornersSaturateWhenReported() {
    let point = FacePoint(x: .nan, y: 1e300)
    let detection = FaceDetection(
      x1: .nan, y1: -.infinity, x2: .infinity, y2: 1e300, confidence: 0.9,
      landmarks: FaceLandmarks(
        leftEye: point, rightEye: point, nose: point, mouthLeft: point, mouthRight: point))
    #expect(detection.reportedBox == PixelBox(x: 0, y: 0, width: 1 << 60, height: 1 << 60))
    #expect(detection.reportedLandmarks.first == PixelPoint(x: 0, y: 1 << 60))
  }

  /// The bundled file's SHA-256 is checked: the shipped bytes pass, any other bytes are refused
  /// naming the file and both digests.
  @Test func bundledWeightsAreCheckedBySHA256() throws {
    let (url, bytes) = try MTCNNWeights.bundled.verifiedContents()
    var damaged = bytes
    damaged[damaged.count / 2] ^= 0x01
    let error = #expect(throws: BundledResourceError.self) {
      try MTCNNWeights.bundled.verify(damaged, at: url)
    }
    guard case .damaged(let file, let expected, let found)? = error else {
      Issue.record("expected .damaged, got \(String(describing: error))")
      return
    }
    #expect(file == url.path && file.hasSuffix("mtcnn_weights.h5"))
    #expect(expected == MTCNNWeights.bundled.sha256)
    #expect(found != expected && found.count == 64)
  }

  @Test func missingFileIsNamed() {
    let url = URL(fileURLWithPath: "/nonexistent/mtcnn.h5")
    #expect(throws: MTCNNError.unreadableWeights(.fileNotFound(file: url.path))) {
      try MTCNN(weightsAt: url)
    }
  }

  @Test func weightNamesMapToParameters() {
    #expect(MTCNNWeights.parameterName(ofWeight: "conv4-1/kernel:0") == "kernel")
    #expect(MTCNNWeights.parameterName(ofWeight: "prelu1/alpha:0") == "alpha")
  }

  private func temporaryURL() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("mtcnn-\(UUID().uuidString).h5")
  }
}
