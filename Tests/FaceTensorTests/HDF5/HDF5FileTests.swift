import FaceTensor
import Foundation
import Testing

/// Reading the h5py-made fixtures in `Fixtures/hdf5` (see its README): datasets of every float
/// kind, rejected dtypes, string attributes of every kind, group listings, path checks.
@Suite struct HDF5FileTests {
  /// The dtype lists below feed parameterised tests, which pass vacuously on an empty list.
  @Test func bothDtypeListsHaveCases() throws {
    let dtypes = try HDF5Fixtures.expected().dtypes
    #expect(!dtypes.floatDatasets.isEmpty, "no float dataset in expected.json")
    #expect(!dtypes.otherDatasets.isEmpty, "no dataset of another dtype in expected.json")
  }

  @Test(arguments: try HDF5Fixtures.expected().dtypes.floatDatasets)
  func floatDatasetReadsWithItsShapeAndFloat32Values(_ dataset: HDF5Fixtures.FloatDataset) throws {
    let file = try HDF5File(contentsOf: HDF5Fixtures.url("dtypes.h5"))
    let tensor = try file.tensor(at: dataset.path)
    #expect(tensor.shape == dataset.shape)
    #expect(tensor.scalars == dataset.values.map { Float($0) })
  }

  @Test(arguments: try HDF5Fixtures.expected().dtypes.otherDatasets)
  func datasetOfAnotherDtypeIsRejectedNamingFileObjectAndDtype(
    _ dataset: HDF5Fixtures.OtherDataset
  ) throws {
    let url = try HDF5Fixtures.url("dtypes.h5")
    let file = try HDF5File(contentsOf: url)
    #expect(
      throws: HDF5Error.wrongDatatype(
        file: url.path, path: dataset.path, attribute: nil, expected: "float32 or float64",
        actual: dataset.dtype)
    ) { try file.tensor(at: dataset.path) }
  }

  @Test func stringAttributesOfEveryKindRead() throws {
    let expected = try HDF5Fixtures.expected().dtypes.stringAttributes
    let file = try HDF5File(contentsOf: HDF5Fixtures.url("dtypes.h5"))
    // Variable-length UTF-8 (with an empty string), fixed-length NULLTERM, 2-D fixed NULLPAD.
    #expect(try file.stringArrayAttribute(named: "utf8_names", at: "/") == expected.utf8Names)
    #expect(
      try file.stringArrayAttribute(named: "nullterm_names", at: "/") == expected.nulltermNames)
    #expect(try file.stringArrayAttribute(named: "fixed_matrix", at: "/") == expected.fixedMatrix)
  }

  @Test func nonEmptyNumericAttributeIsNotReadAsStrings() throws {
    let url = try HDF5Fixtures.url("dtypes.h5")
    let file = try HDF5File(contentsOf: url)
    #expect(
      throws: HDF5Error.wrongDatatype(
        file: url.path, path: "/", attribute: "float64_pair", expected: "string",
        actual: "float64")
    ) { try file.stringArrayAttribute(named: "float64_pair", at: "/") }
    #expect(
      throws: HDF5Error.wrongDatatype(
        file: url.path, path: "/", attribute: "int_scalar", expected: "string", actual: "int64")
    ) { try file.stringAttribute(named: "int_scalar", at: "/") }
  }

  @Test func stringArrayIsNotReadAsOneString() throws {
    let url = try HDF5Fixtures.url("dtypes.h5")
    let file = try HDF5File(contentsOf: url)
    #expect(
      throws: HDF5Error.notScalar(
        file: url.path, path: "/", attribute: "fixed_matrix", shape: [2, 2])
    ) { try file.stringAttribute(named: "fixed_matrix", at: "/") }
  }

  @Test func groupMembersAreListedByNameWithTheirKind() throws {
    let expected = try HDF5Fixtures.expected().keras2FixedStrings
    let file = try HDF5File(contentsOf: HDF5Fixtures.url("keras2_fixed_strings.h5"))
    let root = try file.members(ofGroup: "/")
    #expect(root.map(\.name) == expected.rootMembers)
    #expect(root.allSatisfy { $0.kind == .group })
    #expect(
      try file.members(ofGroup: "/classifier/classifier") == [
        HDF5Member(name: "bias:0", kind: .dataset), HDF5Member(name: "kernel:0", kind: .dataset),
      ])
  }

  @Test func pathsNestAndAreCheckedLevelByLevel() throws {
    let file = try HDF5File(contentsOf: HDF5Fixtures.url("keras2_fixed_strings.h5"))
    #expect(try file.objectKind(at: "/") == .group)
    #expect(try file.objectKind(at: "conv1/7x7_s2") == .group)
    #expect(try file.objectKind(at: "/conv1/7x7_s2/conv1/7x7_s2/kernel:0") == .dataset)
    #expect(try file.containsObject(at: "/conv1/7x7_s2/bn"))
    #expect(try !file.containsObject(at: "/conv2"))
    #expect(try !file.containsObject(at: "/conv2/x/y"))
    // A path that runs through a dataset leads nowhere.
    #expect(try !file.containsObject(at: "/conv1/7x7_s2/conv1/7x7_s2/kernel:0/x"))
  }

  @Test func pathsAreJoinedIntoAbsoluteForm() {
    #expect(HDF5Path.joined("/model_weights", "conv1/7x7_s2") == "/model_weights/conv1/7x7_s2")
    #expect(
      HDF5Path.joined("/", "conv1/7x7_s2", "conv1/7x7_s2/kernel:0")
        == "/conv1/7x7_s2/conv1/7x7_s2/kernel:0")
    #expect(HDF5Path.joined("a//b/", "/c") == "/a/b/c")
    #expect(HDF5Path.joined() == "/")
    #expect(HDF5Path.joined("/") == "/")
  }

  @Test func linkedHDF5IsThreadSafeAsHDF5FileSendableAssumes() {
    #expect(HDF5File.isLibraryThreadSafe)
  }

  @Test func oneFileReadFromConcurrentTasksGivesTheSameTensors() async throws {
    let expected = try HDF5Fixtures.expected().keras2FixedStrings
    let file = try HDF5File(contentsOf: HDF5Fixtures.url("keras2_fixed_strings.h5"))
    let weights = expected.layers.flatMap { layer in
      layer.weights.map { (HDF5Path.joined(expected.root, layer.name, $0.name), $0) }
    }
    try await withThrowingTaskGroup(of: Bool.self) { group in
      for round in 0..<32 {
        let (path, weight) = weights[round % weights.count]
        group.addTask {
          let tensor = try file.tensor(at: path)
          return tensor.shape == weight.shape && tensor.scalars == weight.values.map { Float($0) }
        }
      }
      for try await matches in group { #expect(matches) }
    }
  }
}

/// The committed HDF5 fixtures and the expectations their script wrote (`expected.json`).
enum HDF5Fixtures {
  struct Weight: Decodable, Sendable {
    let name: String
    let shape: [Int]
    let values: [Double]
  }
  struct Layer: Decodable, Sendable {
    let name: String
    let weightNames: [String]
    let weights: [Weight]
  }
  struct KerasFile: Decodable, Sendable {
    let root: String
    let layers: [Layer]
    let rootMembers: [String]?
    let kerasVersion: String
  }
  struct FloatDataset: Decodable, Sendable, CustomTestStringConvertible {
    let path: String
    let shape: [Int]
    let values: [Double]
    var testDescription: String { path }
  }
  struct OtherDataset: Decodable, Sendable, CustomTestStringConvertible {
    let path: String
    let dtype: String
    var testDescription: String { path }
  }
  struct StringAttributes: Decodable, Sendable {
    let utf8Names: [String]
    let nulltermNames: [String]
    let fixedMatrix: [String]
  }
  struct Dtypes: Decodable, Sendable {
    let floatDatasets: [FloatDataset]
    let otherDatasets: [OtherDataset]
    let stringAttributes: StringAttributes
  }
  struct Expected: Decodable, Sendable {
    let keras2FixedStrings: KerasFile
    let keras215ModelSave: KerasFile
    let dtypes: Dtypes
  }

  struct MissingFixture: Error, CustomStringConvertible {
    let name: String
    var description: String { "fixture Fixtures/hdf5/\(name) is not in the test bundle" }
  }

  /// The URL of a fixture file in the test bundle.
  static func url(_ name: String) throws -> URL {
    guard
      let url = Bundle.module.url(
        forResource: name, withExtension: nil, subdirectory: "Fixtures/hdf5")
    else { throw MissingFixture(name: name) }
    return url
  }

  /// The decoded `expected.json`.
  static func expected() throws -> Expected {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(Expected.self, from: Data(contentsOf: url("expected.json")))
  }

  /// Runs `body` with a new empty folder that is deleted afterwards.
  static func withTemporaryFolder<T>(_ body: (URL) throws -> T) throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "faceadversary-hdf5-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder)
  }
}
