import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// `Fixtures/dlib/resnet_reference.json`, written by `Scripts/fixtures/dlib_resnet_reference.py`
/// (an independent walk of the file following `../shared/docs/dlib-resnet-format.md`).
struct DlibResNetReference: Decodable {
  struct Loss: Decodable {
    let margin: Double
    let distance_threshold: Double
  }
  struct Input: Decodable {
    let means: [Double]
    let rows: Int
    let cols: Int
  }
  struct Layer: Decodable {
    let index: Int
    let version_string: String
    let offset: Int
    let params_data_offset: Int?
    let filters: [Int]?
    let stride: [Int]?
    let pad: [Int]?
    let pool: [Int]?
  }
  let file: String
  let size: Int
  let sha256: String
  let loss: Loss
  let wrapper_versions_offset: Int
  let wrapper_versions: [Int]
  let input_block_offset: Int
  let input: Input
  let parameter_count: Int
  let first_values: [String: [Double]]
  let layers: [Layer]

  static let shared: DlibResNetReference? = try? JSONDecoder().decode(
    DlibResNetReference.self, from: DlibTestSupport.fixture("resnet_reference.json"))
}

/// Parses the installed `dlib_face_recognition_resnet_model_v1.dat` once for all tests; without
/// the file both results hold `MissingModelFile`.
enum InstalledResNet {
  static let bytes = Result { () throws -> [UInt8] in
    try DlibModelFile.readBytes(of: MissingModelFile.check(DlibTestSupport.resNetURL))
  }
  static let description: Result<DlibResNetDescription, Error> = bytes.flatMap { bytes in
    Result {
      try DlibResNetDescription(bytes: bytes, fileName: DlibModelFile.faceRecognitionResNetV1.name)
    }
  }
}

@Suite struct DlibResNetDescriptionTests {
  let reference: DlibResNetReference
  let network: DlibResNetDescription

  init() throws {
    reference = try #require(DlibResNetReference.shared)
    network = try InstalledResNet.description.get()
  }

  @Test func theFileMatchesTheReferenceSizeAndChecksum() throws {
    let bytes = try InstalledResNet.bytes.get()
    #expect(bytes.count == reference.size)
    #expect(DlibModelFile.faceRecognitionResNetV1.sha256 == reference.sha256)
    // The default policy verifies the checksum, so this parse also checks it.
    _ = try DlibResNetDescription(contentsOf: DlibTestSupport.resNetURL)
  }

  @Test func layerKindsAndMarkersMatchTheFile() {
    let stored = network.nodes.filter {
      switch $0 {
      case .tag, .skip: return false
      default: return true
      }
    }
    let kinds = stored.map { node -> String in
      switch node {
      case .convolution: return "con_4"
      case .affine: return "affine_"
      case .relu: return "relu_"
      case .maxPool: return "max_pool_2"
      case .averagePool: return "avg_pool_2"
      case .addPrevious: return "add_prev_"
      case .fullyConnected: return "fc_2"
      case .tag, .skip: return "marker"
      }
    }
    #expect(kinds == reference.layers.map(\.version_string))
    // Markers are the wrapper versions equal to 1 (tags and skips are not stored otherwise).
    #expect(network.nodes.count == reference.wrapper_versions.count)
    #expect(
      network.nodes.count - stored.count == reference.wrapper_versions.filter { $0 == 1 }.count)
  }

  @Test func convolutionsHaveTheFilesShapesStridesAndPadding() throws {
    let convolutions = network.nodes.compactMap { node -> DlibConvolution? in
      if case .convolution(let conv) = node { return conv }
      return nil
    }
    let stored = reference.layers.filter { $0.version_string == "con_4" }
    try #require(convolutions.count == stored.count)
    for (conv, layer) in zip(convolutions, stored) {
      let filters = try #require(layer.filters)  // (OC, C, KH, KW)
      #expect(
        conv.kernel.shape == [filters[2], filters[3], filters[1], filters[0]],
        "layer \(layer.index)")
      #expect(conv.bias.shape == [filters[0]])
      #expect([conv.strideY, conv.strideX] == layer.stride)
      #expect([conv.padY, conv.padX] == layer.pad)
    }
  }

  @Test func poolsHaveTheFilesWindows() {
    let pools = network.nodes.compactMap { node -> DlibPooling? in
      switch node {
      case .maxPool(let pool), .averagePool(let pool): return pool
      default: return nil
      }
    }
    let stored = reference.layers.compactMap(\.pool)
    #expect(
      pools.map {
        [$0.kernelHeight, $0.kernelWidth, $0.strideY, $0.strideX, $0.padY, $0.padX]
      } == stored)
    #expect(pools.filter(\.isGlobal).count == 1)
  }

  @Test func firstStoredValuesLandInTheirLayouts() throws {
    let firsts = reference.first_values
    guard case .convolution(let conv) = network.nodes[0],
      case .affine(let gamma, let beta) = network.nodes[1],
      case .fullyConnected(let weights) = try #require(network.nodes.last)
    else {
      Issue.record("unexpected first or last nodes")
      return
    }
    // w[oc=0, c=0, kh=0, kw=0..3] is kernel[kh=0, kw=0..3, c=0, oc=0] in HWIO.
    let kernelRow = try floats(firsts, "conv0_w_oc0_c0_kh0_kw0to3")
    let bias = try floats(firsts, "conv0_bias_0to3")
    let gammas = try floats(firsts, "affine1_gamma_0to3")
    let betas = try floats(firsts, "affine1_beta_0to3")
    let fcRow = try floats(firsts, "fc_w_row0_0to3")
    #expect((0..<4).map { conv.kernel[0, $0, 0, 0] } == kernelRow)
    #expect(Array(conv.bias.scalars.prefix(4)) == bias)
    #expect(Array(gamma.scalars.prefix(4)) == gammas)
    #expect(Array(beta.scalars.prefix(4)) == betas)
    #expect(weights.shape == [256, 128])
    #expect((0..<4).map { weights[0, $0] } == fcRow)
  }

  @Test func hwioKernelsHoldTheFilesValuesTransposed() throws {
    // Layer 4's filters (32, 32, 3, 3) are stored row-major after its 4-int tensor header.
    let bytes = try InstalledResNet.bytes.get()
    let layer = reference.layers[4]
    let dataOffset = try #require(layer.params_data_offset)
    guard case .convolution(let conv) = network.nodes[5] else {
      Issue.record("node 5 is not the first residual conv")
      return
    }
    var generator = SplitMix64(seed: 4)
    for _ in 0..<64 {
      let (oc, c, kh, kw) = (
        Int.random(in: 0..<32, using: &generator),
        Int.random(in: 0..<32, using: &generator),
        Int.random(in: 0..<3, using: &generator),
        Int.random(in: 0..<3, using: &generator)
      )
      let at = dataOffset + 4 * (((oc * 32 + c) * 3 + kh) * 3 + kw)
      let stored = Float(
        bitPattern: UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8
          | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24)
      #expect(conv.kernel[kh, kw, c, oc] == stored)
    }
  }

  @Test func parametersInputAndLossBlockMatch() {
    #expect(network.parameterCount == reference.parameter_count)
    #expect(network.inputMeans == reference.input.means.map { Float($0) })
    #expect(network.inputRows == reference.input.rows)
    #expect(network.inputColumns == reference.input.cols)
    #expect(network.distanceThreshold == Float(reference.loss.distance_threshold))
    #expect(network.lossMargin == Float(reference.loss.margin))
  }

  @Test func markersFollowTheTopology() {
    // Every add_prev adds a tag remembered earlier; every skip restores one.
    var remembered: Set<Int> = []
    for node in network.nodes {
      switch node {
      case .tag(let id): remembered.insert(id)
      case .skip(let id), .addPrevious(let id): #expect(remembered.contains(id))
      default: break
      }
    }
    let adds = network.nodes.filter {
      if case .addPrevious = $0 { return true } else { return false }
    }
    #expect(adds.count == reference.layers.filter { $0.version_string == "add_prev_" }.count)
  }

  private func floats(_ values: [String: [Double]], _ key: String) throws -> [Float] {
    try #require(values[key]).map { Float($0) }
  }
}
