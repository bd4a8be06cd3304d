import FaceTensor
import FaceTestSupport
import Foundation
import Testing

/// `HDF5Writer`: exact round trips through `HDF5File`, string attributes of each kind, atomic
/// file replacement, and the errors it reports.
@Suite struct HDF5WriterTests {
  static let shapes: [[Int]] = [[], [1], [7], [3, 5], [2, 3, 4, 5], [0, 3]]

  @Test(arguments: shapes, [HDF5FloatType.float32, .float64])
  func datasetRoundTripsExactly(shape: [Int], type: HDF5FloatType) throws {
    var generator = SplitMix64(seed: 0x4844_4635 &+ UInt64(shape.count))
    let count = Tensor.elementCount(of: shape)
    let tensor = Tensor(
      shape: shape, scalars: (0..<count).map { _ in Float(generator.normal()) * 100 })
    try HDF5Fixtures.withTemporaryFolder { folder in
      let url = folder.appendingPathComponent("round-trip.h5")
      let writer = try HDF5Writer(creatingFileAt: url)
      try writer.writeDataset(tensor, at: "/layer/sub/weight:0", as: type)
      try writer.finish()
      let read = try HDF5File(contentsOf: url).tensor(at: "layer/sub/weight:0")
      #expect(read.shape == shape)
      #expect(read.scalars == tensor.scalars)
    }
  }

  @Test func extremeFloatValuesRoundTripBitForBit() throws {
    let values: [Float] = [
      .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude,
      .leastNormalMagnitude, -0.0, .infinity, -.infinity, 1 / 3,
    ]
    for type in [HDF5FloatType.float32, .float64] {
      try HDF5Fixtures.withTemporaryFolder { folder in
        let url = folder.appendingPathComponent("extremes.h5")
        let writer = try HDF5Writer(creatingFileAt: url)
        try writer.writeDataset(Tensor(shape: [values.count], scalars: values), at: "v", as: type)
        try writer.finish()
        let read = try HDF5File(contentsOf: url).tensor(at: "v").scalars
        #expect(read.map(\.bitPattern) == values.map(\.bitPattern), "\(type)")
      }
    }
  }

  @Test(arguments: [
    HDF5StringType.fixedLengthASCII, .variableLengthASCII, .variableLengthUTF8,
  ])
  func stringAttributesRoundTrip(type: HDF5StringType) throws {
    // Different lengths (fixed-length pads to the longest), an empty string, '/' and ':' inside.
    var values = ["conv1/7x7_s2/kernel:0", "", "b", "conv1/7x7_s2/bn/moving_variance:0"]
    if type == .variableLengthUTF8 { values.append("naïve ĉapelo") }
    try HDF5Fixtures.withTemporaryFolder { folder in
      let url = folder.appendingPathComponent("strings.h5")
      let writer = try HDF5Writer(creatingFileAt: url)
      try writer.createGroup(at: "/layer")
      try writer.writeStringArrayAttribute(values, named: "names", at: "/layer", as: type)
      try writer.writeStringArrayAttribute([], named: "none", at: "/layer", as: type)
      try writer.writeStringAttribute("2.15.0", named: "version", at: "/", as: type)
      try writer.finish()
      let file = try HDF5File(contentsOf: url)
      #expect(try file.stringArrayAttribute(named: "names", at: "/layer") == values)
      #expect(try file.stringArrayAttribute(named: "none", at: "/layer") == [])
      #expect(try file.stringAttribute(named: "version", at: "/") == "2.15.0")
      #expect(try file.stringArrayAttribute(named: "version", at: "/") == ["2.15.0"])
    }
  }

  @Test func emptyFloat64AttributeIsStoredAsFloat64AndReadAsNoStrings() throws {
    try HDF5Fixtures.withTemporaryFolder { folder in
      let url = folder.appendingPathComponent("empty.h5")
      let writer = try HDF5Writer(creatingFileAt: url)
      try writer.createGroup(at: "input_1")
      try writer.writeEmptyFloat64ArrayAttribute(named: "weight_names", at: "input_1")
      try writer.finish()
      let file = try HDF5File(contentsOf: url)
      #expect(try file.stringArrayAttribute(named: "weight_names", at: "input_1") == [])
      #expect(
        throws: HDF5Error.wrongDatatype(
          file: url.path, path: "/input_1", attribute: "weight_names", expected: "string",
          actual: "float64")
      ) { try file.stringAttribute(named: "weight_names", at: "input_1") }
    }
  }

  @Test func rewritingAnAttributeReplacesIt() throws {
    try HDF5Fixtures.withTemporaryFolder { folder in
      let url = folder.appendingPathComponent("replace.h5")
      let writer = try HDF5Writer(creatingFileAt: url)
      try writer.writeStringArrayAttribute(
        ["a", "b"], named: "names", at: "/", as: .fixedLengthASCII)
      try writer.writeStringArrayAttribute(["c"], named: "names", at: "/", as: .variableLengthUTF8)
      try writer.finish()
      #expect(try HDF5File(contentsOf: url).stringArrayAttribute(named: "names", at: "/") == ["c"])
    }
  }

  @Test func groupsNestAndCreatingAnExistingGroupKeepsIt() throws {
    try HDF5Fixtures.withTemporaryFolder { folder in
      let url = folder.appendingPathComponent("groups.h5")
      let writer = try HDF5Writer(creatingFileAt: url)
      try writer.createGroup(at: "conv1/7x7_s2/bn")
      try writer.writeStringArrayAttribute(
        ["x"], named: "weight_names", at: "conv1/7x7_s2", as: .fixedLengthASCII)
      try writer.createGroup(at: "/conv1/7x7_s2")
      try writer.createGroup(at: "/")
      try writer.finish()
      let file = try HDF5File(contentsOf: url)
      #expect(try file.members(ofGroup: "/conv1") == [HDF5Member(name: "7x7_s2", kind: .group)])
      #expect(try file.members(ofGroup: "/conv1/7x7_s2") == [HDF5Member(name: "bn", kind: .group)])
      #expect(try file.stringArrayAttribute(named: "weight_names", at: "conv1/7x7_s2") == ["x"])
    }
  }

  @Test func nothingAppearsAtTheDestinationUntilFinish() throws {
    try HDF5Fixtures.withTemporaryFolder { folder in
      let url = folder.appendingPathComponent("atomic.h5")
      let writer = try HDF5Writer(creatingFileAt: url)
      try writer.writeDataset(Tensor(zeros: [2]), at: "w")
      #expect(!FileManager.default.fileExists(atPath: url.path))
      try writer.finish()
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["atomic.h5"])
    }
  }

  @Test func abandonedWriterLeavesNoFileBehind() throws {
    try HDF5Fixtures.withTemporaryFolder { folder in
      let url = folder.appendingPathComponent("abandoned.h5")
      do {
        let writer = try HDF5Writer(creatingFileAt: url)
        try writer.writeDataset(Tensor(zeros: [2]), at: "w")
        try withExtendedLifetime(writer) { () throws -> Void in
          #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 1)
        }
      }
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [])
    }
  }

  @Test func finishReplacesAnExistingFile() throws {
    try HDF5Fixtures.withTemporaryFolder { folder in
      let url = folder.appendingPathComponent("replaced.h5")
      try Data("old contents".utf8).write(to: url)
      let writer = try HDF5Writer(creatingFileAt: url)
      #expect(try Data(contentsOf: url) == Data("old contents".utf8))
      try writer.writeDataset(Tensor(shape: [1], scalars: [42]), at: "w")
      try writer.finish()
      #expect(try HDF5File(contentsOf: url).tensor(at: "w").scalars == [42])
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["replaced.h5"])
    }
  }
}
