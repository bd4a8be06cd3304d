import FaceTensor
import FaceTestSupport
import Foundation
import Testing

/// Everything a Keras weights loader needs, on both layouts (layer groups at the root from
/// `save_weights`, under `/model_weights` from `model.save`) and both string kinds: files made by
/// h5py (fixtures) and files made by `HDF5Writer`.
@Suite struct HDF5KerasLayoutTests {
  /// A layer's weights as the loader would find them: name, shape and values.
  struct FoundWeight: Equatable {
    let name: String
    let shape: [Int]
    let values: [Float]
  }

  /// Follows the Keras layout the way FaceNets' loader will: find the weights root, read
  /// `layer_names`, then each layer's `weight_names`, then each weight dataset.
  static func weightsByLayer(in file: HDF5File) throws -> (
    root: String, layers: [String: [FoundWeight]], order: [String]
  ) {
    let root = try #require(
      try file.firstGroup(among: ["/", "/model_weights"], withAttribute: "layer_names"))
    let layerNames = try file.stringArrayAttribute(named: "layer_names", at: root)
    var layers: [String: [FoundWeight]] = [:]
    for layer in layerNames {
      let group = HDF5Path.joined(root, layer)
      layers[layer] = try file.stringArrayAttribute(named: "weight_names", at: group).map { name in
        let tensor = try file.tensor(at: HDF5Path.joined(group, name))
        return FoundWeight(name: name, shape: tensor.shape, values: tensor.scalars)
      }
    }
    return (root, layers, layerNames)
  }

  static func expectedWeights(_ file: HDF5Fixtures.KerasFile) -> [String: [FoundWeight]] {
    Dictionary(
      uniqueKeysWithValues: file.layers.map { layer in
        (
          layer.name,
          layer.weights.map {
            FoundWeight(name: $0.name, shape: $0.shape, values: $0.values.map { Float($0) })
          }
        )
      })
  }

  @Test func saveWeightsFileWithFixedLengthStringsReadsFromTheRoot() throws {
    let expected = try HDF5Fixtures.expected().keras2FixedStrings
    let file = try HDF5File(contentsOf: HDF5Fixtures.url("keras2_fixed_strings.h5"))
    let found = try Self.weightsByLayer(in: file)
    #expect(found.root == "/")
    #expect(found.order == expected.layers.map(\.name))
    #expect(found.layers == Self.expectedWeights(expected))
    #expect(try file.stringAttribute(named: "keras_version", at: "/") == expected.kerasVersion)
  }

  @Test func modelSaveFileWithVariableLengthStringsReadsFromModelWeights() throws {
    let expected = try HDF5Fixtures.expected().keras215ModelSave
    let file = try HDF5File(contentsOf: HDF5Fixtures.url("keras215_model_save.h5"))
    let found = try Self.weightsByLayer(in: file)
    #expect(found.root == "/model_weights")
    #expect(found.order == expected.layers.map(\.name))
    #expect(found.layers == Self.expectedWeights(expected))
    #expect(try file.stringAttribute(named: "keras_version", at: "/") == expected.kerasVersion)
  }

  @Test func emptyFloat64WeightNamesReadAsNoStrings() throws {
    for name in ["keras2_fixed_strings.h5", "keras215_model_save.h5"] {
      let file = try HDF5File(contentsOf: HDF5Fixtures.url(name))
      let root = try #require(
        try file.firstGroup(among: ["/", "/model_weights"], withAttribute: "layer_names"))
      #expect(
        try file.stringArrayAttribute(named: "weight_names", at: HDF5Path.joined(root, "input_1"))
          == [])
    }
  }

  @Test func noCandidateWithTheAttributeGivesNil() throws {
    let file = try HDF5File(contentsOf: HDF5Fixtures.url("dtypes.h5"))
    // "/nested" has no such attribute, "/missing" does not exist, "/int32_values" is a dataset.
    #expect(
      try file.firstGroup(
        among: ["/nested", "/missing", "/int32_values"], withAttribute: "layer_names") == nil)
  }

  @Test(arguments: [
    ("/", HDF5StringType.fixedLengthASCII), ("/model_weights", .variableLengthASCII),
    ("/model_weights", .variableLengthUTF8), ("/", .variableLengthASCII),
  ])
  func writerBuildsKerasLayoutsThatReadBack(root: String, strings: HDF5StringType) throws {
    let expected = try HDF5Fixtures.expected().keras2FixedStrings
    try HDF5Fixtures.withTemporaryFolder { folder in
      let url = folder.appendingPathComponent("tiny.h5")
      let writer = try HDF5Writer(creatingFileAt: url)
      try writer.createGroup(at: root)
      try writer.writeStringArrayAttribute(
        expected.layers.map(\.name), named: "layer_names", at: root, as: strings)
      try writer.writeStringAttribute(
        expected.kerasVersion, named: "keras_version", at: root, as: strings)
      for layer in expected.layers {
        let group = HDF5Path.joined(root, layer.name)
        try writer.createGroup(at: group)
        if layer.weightNames.isEmpty {
          try writer.writeEmptyFloat64ArrayAttribute(named: "weight_names", at: group)
        } else {
          try writer.writeStringArrayAttribute(
            layer.weightNames, named: "weight_names", at: group, as: strings)
        }
        for weight in layer.weights {
          let tensor = Tensor(shape: weight.shape, scalars: weight.values.map { Float($0) })
          try writer.writeDataset(tensor, at: HDF5Path.joined(group, weight.name))
        }
      }
      try writer.finish()

      let file = try HDF5File(contentsOf: url)
      let found = try Self.weightsByLayer(in: file)
      #expect(found.root == root)
      #expect(found.order == expected.layers.map(\.name))
      #expect(found.layers == Self.expectedWeights(expected))
      #expect(try file.stringAttribute(named: "keras_version", at: root) == expected.kerasVersion)
    }
  }
}
