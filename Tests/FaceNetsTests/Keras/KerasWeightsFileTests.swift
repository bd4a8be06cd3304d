import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// Reading Keras 2 weights files (both root layouts, both string kinds) and the loader's errors,
/// on copies of the slim ResNet-50 fixture rewritten with `HDF5Writer`.
@Suite struct KerasWeightsFileTests {
  /// A Keras file's content to rewrite: layer names in order with their weights.
  struct Layout {
    var layers: [(name: String, weights: [(name: String, value: Tensor)])]
    /// Weights written as datasets that declare this shape but hold no data (by weight name).
    var unwritten: [String: [UInt64]] = [:]

    init(_ file: KerasWeightsFile) throws {
      layers = try file.layerNames.map { layer in
        (
          name: layer,
          weights: try (file.weightsByLayer[layer] ?? []).map {
            (name: $0.name, value: try file.value(of: $0, inLayer: layer))
          }
        )
      }
    }

    /// Writes the layout under `root` with `stringType` string attributes; weightless layers get
    /// an empty float64 `weight_names` (Keras 2.15) or an empty string array.
    func write(
      to url: URL, root: String = "/", stringType: HDF5StringType = .variableLengthASCII,
      emptyAsFloat64: Bool = true
    ) throws {
      let writer = try HDF5Writer(creatingFileAt: url)
      try writer.createGroup(at: root)
      try writer.writeStringArrayAttribute(
        layers.map(\.name), named: "layer_names", at: root, as: stringType)
      for layer in layers {
        let group = HDF5Path.joined(root, layer.name)
        try writer.createGroup(at: group)
        if layer.weights.isEmpty && emptyAsFloat64 {
          try writer.writeEmptyFloat64ArrayAttribute(named: "weight_names", at: group)
        } else {
          try writer.writeStringArrayAttribute(
            layer.weights.map(\.name), named: "weight_names", at: group, as: stringType)
        }
        for weight in layer.weights {
          let path = HDF5Path.joined(group, weight.name)
          if let shape = unwritten[weight.name] {
            try writer.writeUnwrittenDataset(declaring: shape, at: path)
          } else {
            try writer.writeDataset(weight.value, at: path)
          }
        }
      }
      try writer.finish()
    }

    /// Applies `change` to the weights of layer `name`.
    mutating func changeLayer(
      _ name: String, _ change: (inout [(name: String, value: Tensor)]) -> Void
    ) {
      guard let i = layers.firstIndex(where: { $0.name == name }) else {
        Issue.record("no layer \(name)")
        return
      }
      change(&layers[i].weights)
    }
  }

  static func slimResNet() throws -> KerasWeightsFile {
    try KerasWeightsFile(contentsOf: VGGFaceFixtures.url("slim_resnet50.h5"))
  }

  @Test func readsEveryLayerAndWeightOfASaveWeightsFile() throws {
    let file = try Self.slimResNet()
    let reference = try VGGFaceFixtures.reference().model(.resnet50)
    #expect(file.scalarCount == reference.params)
    #expect(file.layerNames.first == "input_1")
    #expect(file.layersWithWeights.count == 107)
    let bn = try #require(file.weightsByLayer["conv1/7x7_s2/bn"])
    #expect(
      bn.map(\.name)
        == ["gamma", "beta", "moving_mean", "moving_variance"].map { "conv1/7x7_s2/bn/\($0):0" })
    #expect(bn.map(\.parameter) == ["gamma", "beta", "movingMean", "movingVariance"])
    #expect(file.weightsByLayer["conv1/7x7_s2"]?.map(\.shape) == [[7, 7, 3, 4]])
    #expect(file.weightsByLayer["activation"] == nil)
  }

  @Test func parameterNamesFollowKerasWeightNames() {
    #expect(KerasWeight.parameterName(of: "conv1/7x7_s2/bn/moving_variance:0") == "movingVariance")
    #expect(KerasWeight.parameterName(of: "fc8/kernel:0") == "kernel")
    #expect(KerasWeight.parameterName(of: "bias") == "bias")
    #expect(
      KerasWeight.kerasName(layer: "conv1/7x7_s2/bn", parameter: "movingMean")
        == "conv1/7x7_s2/bn/moving_mean:0")
  }

  /// Every combination of root layout and string kind loads to the same model.
  ///
  /// The published 2017–2019 files use fixed-length strings; `model.save` files nest the layers
  /// under `/model_weights`.
  @Test(arguments: [
    ("/", HDF5StringType.fixedLengthASCII, false), ("/", .variableLengthUTF8, true),
    ("/model_weights", .fixedLengthASCII, true), ("/model_weights", .variableLengthASCII, false),
  ])
  func bothRootLayoutsAndStringKindsLoadTheSameModel(
    root: String, strings: HDF5StringType, emptyAsFloat64: Bool
  )
    throws
  {
    let folder = try VGGFaceFixtures.temporaryFolder()
    defer { folder.remove() }
    let url = folder.url.appendingPathComponent("copy.h5")
    try Layout(try Self.slimResNet()).write(
      to: url, root: root, stringType: strings, emptyAsFloat64: emptyAsFloat64)
    let copy = try KerasWeightsFile(contentsOf: url)
    let original = try Self.slimResNet()
    #expect(copy.layerNames == original.layerNames)
    #expect(copy.weightsByLayer == original.weightsByLayer)
    let batch = VGGFaceFixtures.image(0, of: try VGGFaceFixtures.imageBatch())
    let a = try VGGFaceModel(architecture: .resnet50, contentsOf: url).probabilities(for: batch)
    let b = try VGGFaceModel(architecture: .resnet50, weights: original).probabilities(for: batch)
    #expect(a == b)
  }

  /// One loader problem as a file change and the exact message it must produce.
  struct ErrorCase: CustomTestStringConvertible, Sendable {
    let label: String
    let architecture: VGGFaceArchitecture
    let source: String
    let change: @Sendable (inout Layout) -> Void
    /// The message after `<file path>: `.
    let message: String
    var testDescription: String { label }

    static let all: [ErrorCase] = [
      ErrorCase(
        label: "transposed kernel", architecture: .resnet50, source: "slim_resnet50.h5",
        change: { layout in
          layout.changeLayer("conv1/7x7_s2") { weights in
            // HWIO [7, 7, 3, 4] stored as OIHW [4, 3, 7, 7] (PyTorch / Caffe order).
            let k = weights[0].value
            var oihw = [Float](repeating: 0, count: k.count)
            for h in 0..<7 {
              for w in 0..<7 {
                for i in 0..<3 {
                  for o in 0..<4 {
                    oihw[((o * 3 + i) * 7 + h) * 7 + w] = k[h, w, i, o]
                  }
                }
              }
            }
            weights[0].value = Tensor(shape: [4, 3, 7, 7], scalars: oihw)
          }
        },
        message: "'conv1/7x7_s2/kernel:0' has shape [4, 3, 7, 7], expected [7, 7, 3, 4]"),
      ErrorCase(
        label: "missing bias", architecture: .resnet50, source: "slim_resnet50.h5",
        change: { layout in layout.changeLayer("classifier") { $0.removeLast() } },
        message: "'classifier/bias:0' is missing (expected shape [7])"),
      ErrorCase(
        label: "extra layer", architecture: .resnet50, source: "slim_resnet50.h5",
        change: { layout in
          layout.layers.append(
            (name: "fc9", weights: [(name: "fc9/kernel:0", value: Tensor(zeros: [7, 2]))]))
        },
        message: "'fc9/kernel:0' (shape [7, 2]) is not part of the model"),
      ErrorCase(
        label: "missing batch norm layer", architecture: .resnet50, source: "slim_resnet50.h5",
        change: { layout in layout.layers.removeAll { $0.name == "conv2_1_1x1_reduce/bn" } },
        message: "4 weights do not fit the model: "
          + "'conv2_1_1x1_reduce/bn/gamma:0' is missing (expected shape [4]); "
          + "'conv2_1_1x1_reduce/bn/beta:0' is missing (expected shape [4]); "
          + "'conv2_1_1x1_reduce/bn/moving_mean:0' is missing (expected shape [4]); "
          + "'conv2_1_1x1_reduce/bn/moving_variance:0' is missing (expected shape [4])"),
      ErrorCase(
        label: "mis-shaped dense kernel and extra weight", architecture: .vgg16,
        source: "slim_vgg16.h5",
        change: { layout in
          layout.changeLayer("fc7") { $0[0].value = Tensor(zeros: [128, 127]) }
          layout.changeLayer("fc8") { $0.append((name: "fc8/extra:0", value: Tensor(zeros: [3]))) }
        },
        message:
          "2 weights do not fit the model: 'fc7/kernel:0' has shape [128, 127], expected [256, 256]; "
          + "'fc8/extra:0' (shape [3]) is not part of the model"),
      ErrorCase(
        label: "NaN and infinity in a kernel", architecture: .resnet50, source: "slim_resnet50.h5",
        change: { layout in
          layout.changeLayer("conv1/7x7_s2") { weights in
            var values = weights[0].value.scalars
            values[5] = .nan
            values[9] = -.infinity
            weights[0].value = Tensor(shape: weights[0].value.shape, scalars: values)
          }
        },
        message: "'conv1/7x7_s2/kernel:0' holds 2 NaN or infinite values (the first at index 5)"),
      // The declared shapes below belong to datasets holding no data: a small file whose header
      // asks for terabytes. They are refused from the header, before anything is allocated.
      ErrorCase(
        label: "a declared shape of terabytes", architecture: .resnet50,
        source: "slim_resnet50.h5",
        change: { layout in layout.unwritten["conv1/7x7_s2/kernel:0"] = [7, 7, 3, 1 << 40] },
        message: "dataset '/conv1/7x7_s2/conv1/7x7_s2/kernel:0' declares shape "
          + "[7, 7, 3, 1099511627776] (161628209283072 elements), over the limit of 268435456 "
          + "elements; nothing was read"),
      ErrorCase(
        label: "a declared shape whose size overflows", architecture: .resnet50,
        source: "slim_resnet50.h5",
        change: { layout in layout.unwritten["conv1/7x7_s2/kernel:0"] = [7, 7, 1 << 62, 1 << 62] },
        message: "dataset '/conv1/7x7_s2/conv1/7x7_s2/kernel:0' declares shape "
          + "[7, 7, 4611686018427387904, 4611686018427387904] (more elements than an Int can "
          + "count), over the limit of 268435456 elements; nothing was read"),
      ErrorCase(
        // 154 million elements, under the file-level limit: refused by the shape the
        // architecture needs, so never read (reading these unwritten chunks one by one would take
        // minutes).
        label: "a large declared shape the model does not have", architecture: .resnet50,
        source: "slim_resnet50.h5",
        change: { layout in layout.unwritten["conv1/7x7_s2/kernel:0"] = [7, 7, 3, 1 << 20] },
        message: "'conv1/7x7_s2/kernel:0' has shape [7, 7, 3, 1048576], expected [7, 7, 3, 4]"),
      ErrorCase(
        label: "another architecture's file", architecture: .resnet50, source: "slim_senet50.h5",
        change: { _ in },
        message: "64 weights do not fit the model: "
          + "'conv2_1_1x1_down/kernel:0' (shape [1, 1, 16, 1]) is not part of the model; "
          + "'conv2_1_1x1_down/bias:0' (shape [1]) is not part of the model; "
          + "'conv2_1_1x1_up/kernel:0' (shape [1, 1, 1, 16]) is not part of the model; "
          + "'conv2_1_1x1_up/bias:0' (shape [16]) is not part of the model; "
          + "'conv2_2_1x1_down/kernel:0' (shape [1, 1, 16, 1]) is not part of the model; "
          + "'conv2_2_1x1_down/bias:0' (shape [1]) is not part of the model; "
          + "'conv2_2_1x1_up/kernel:0' (shape [1, 1, 1, 16]) is not part of the model; "
          + "'conv2_2_1x1_up/bias:0' (shape [16]) is not part of the model; and 56 more. "
          + "Hint: the file looks like keras-vggface's senet50 weights, not resnet50"),
    ]
  }

  @Test(arguments: ErrorCase.all)
  func loaderErrorsListEveryProblemVerbatim(_ c: ErrorCase) throws {
    let folder = try VGGFaceFixtures.temporaryFolder()
    defer { folder.remove() }
    let url = folder.url.appendingPathComponent("x.h5")
    var layout = try Layout(try KerasWeightsFile(contentsOf: VGGFaceFixtures.url(c.source)))
    c.change(&layout)
    try layout.write(to: url)
    let error = #expect(throws: WeightLoadingError.self) {
      try VGGFaceModel(architecture: c.architecture, contentsOf: url)
    }
    #expect(error?.description == "\(url.path): \(c.message)")
  }

  /// A batch norm whose declared width is far beyond keras-vggface's does not set the model's
  /// width: the expected shapes stay the full-size ones and the weight is reported, unread.
  @Test func anAbsurdWidthIsReportedNotAllocated() throws {
    let folder = try VGGFaceFixtures.temporaryFolder()
    defer { folder.remove() }
    let url = folder.url.appendingPathComponent("wide.h5")
    var layout = try Layout(try Self.slimResNet())
    layout.unwritten["conv1/7x7_s2/bn/gamma:0"] = [1 << 27]
    try layout.write(to: url)
    let error = #expect(throws: WeightLoadingError.self) {
      try VGGFaceModel(architecture: .resnet50, contentsOf: url)
    }
    let message = error?.description ?? ""
    #expect(message.hasPrefix("\(url.path): "))
    #expect(message.contains("'conv1/7x7_s2/bn/gamma:0' has shape [134217728], expected [64]"))
  }

  @Test func fileErrorsNameTheFile() throws {
    let folder = try VGGFaceFixtures.temporaryFolder()
    defer { folder.remove() }
    let text = folder.url.appendingPathComponent("notes.h5")
    try Data("not weights".utf8).write(to: text)
    let plain = folder.url.appendingPathComponent("plain.h5")
    let writer = try HDF5Writer(creatingFileAt: plain)
    try writer.writeDataset(Tensor(zeros: [2]), at: "/values")
    try writer.finish()
    let missing = folder.url.appendingPathComponent("missing.h5")
    let cases: [(URL, String)] = [
      (text, "\(text.path): not an HDF5 file (no HDF5 signature found)"),
      (
        plain,
        "\(plain.path): not a Keras weights file (no 'layer_names' attribute on '/' or '/model_weights')"
      ),
      (missing, "\(missing.path): no such file"),
      (folder.url, "\(folder.url.path): not a regular file (it is a directory)"),
    ]
    for (url, message) in cases {
      let error = #expect(throws: WeightLoadingError.self) { try KerasWeightsFile(contentsOf: url) }
      #expect(error?.description == message)
    }
  }
}
