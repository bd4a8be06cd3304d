import FaceTensor
import FaceTestSupport
import Foundation
import Testing

/// `HDF5Error`: every message verbatim, and the typed error each kind of bad file, missing object
/// or misuse produces.
@Suite struct HDF5ErrorTests {
  struct MessageCase: Sendable, CustomTestStringConvertible {
    let error: HDF5Error
    let message: String
    var testDescription: String { message }
  }

  static let messageCases: [MessageCase] = [
    MessageCase(error: .fileNotFound(file: "/m/vgg.h5"), message: "/m/vgg.h5: no such file"),
    MessageCase(
      error: .notHDF5(file: "/m/notes.txt"),
      message: "/m/notes.txt: not an HDF5 file (no HDF5 signature found)"),
    MessageCase(
      error: .openFailed(file: "/m/vgg.h5", reason: "truncated file: eof = 100"),
      message: "/m/vgg.h5: HDF5 cannot open the file: truncated file: eof = 100"),
    MessageCase(
      error: .objectNotFound(file: "/m/vgg.h5", path: "/conv1/7x7_s2/conv1/7x7_s2/kernel:0"),
      message: "/m/vgg.h5: no object at '/conv1/7x7_s2/conv1/7x7_s2/kernel:0'"),
    MessageCase(
      error: .wrongObjectKind(
        file: "/m/vgg.h5", path: "/conv1/7x7_s2", expected: .dataset, actual: .group),
      message: "/m/vgg.h5: '/conv1/7x7_s2' is a group, expected a dataset"),
    MessageCase(
      error: .wrongObjectKind(
        file: "/m/vgg.h5", path: "/t", expected: .group, actual: .namedDatatype),
      message: "/m/vgg.h5: '/t' is a named datatype, expected a group"),
    MessageCase(
      error: .attributeNotFound(
        file: "/m/vgg.h5", path: "/model_weights", attribute: "layer_names"),
      message: "/m/vgg.h5: '/model_weights' has no attribute 'layer_names'"),
    MessageCase(
      error: .wrongDatatype(
        file: "/m/vgg.h5", path: "/fc/fc/kernel:0", attribute: nil,
        expected: "float32 or float64", actual: "int32"),
      message: "/m/vgg.h5: dataset '/fc/fc/kernel:0' holds int32, expected float32 or float64"),
    MessageCase(
      error: .wrongDatatype(
        file: "/m/vgg.h5", path: "/fc", attribute: "weight_names", expected: "string",
        actual: "float64"),
      message: "/m/vgg.h5: attribute 'weight_names' of '/fc' holds float64, expected string"),
    MessageCase(
      error: .notScalar(file: "/m/vgg.h5", path: "/", attribute: "keras_version", shape: [2]),
      message: "/m/vgg.h5: attribute 'keras_version' of '/' has shape [2], expected one value"),
    MessageCase(
      error: .readFailed(file: "/m/vgg.h5", path: "/fc", reason: "attribute 'x': H5Aread failed"),
      message: "/m/vgg.h5: cannot read '/fc': attribute 'x': H5Aread failed"),
    MessageCase(
      error: .writeFailed(file: "/m/out.h5", path: "/w", reason: "a dataset is already there"),
      message: "/m/out.h5: cannot write '/w': a dataset is already there"),
    MessageCase(
      error: .tooManyElements(
        file: "/m/vgg.h5", path: "/fc/fc/kernel:0", attribute: nil, shape: [1 << 20, 1 << 10],
        limit: 1 << 28),
      message: "/m/vgg.h5: dataset '/fc/fc/kernel:0' declares shape [1048576, 1024] "
        + "(1073741824 elements), over the limit of 268435456 elements; nothing was read"),
    MessageCase(
      error: .tooManyElements(
        file: "/m/vgg.h5", path: "/", attribute: "layer_names", shape: [1 << 40, 1 << 40],
        limit: 1 << 20),
      message: "/m/vgg.h5: attribute 'layer_names' of '/' declares shape "
        + "[1099511627776, 1099511627776] (more elements than an Int can count), over the limit "
        + "of 1048576 elements; nothing was read"),
    MessageCase(
      error: .unexpectedShape(file: "/m/w.h5", path: "/a/b", expected: [3, 4], actual: [4, 3]),
      message: "/m/w.h5: '/a/b' has shape [4, 3], expected [3, 4]; nothing was read"),
    MessageCase(
      error: .nonFiniteValues(file: "/m/w.h5", path: "/a/b", count: 1, firstIndex: 7),
      message: "/m/w.h5: '/a/b' holds 1 NaN or infinite value (the first at index 7)"),
    MessageCase(
      error: .unusableFile(.notRegularFile(file: "/dev/zero", kind: "a character device")),
      message: "/dev/zero: not a regular file (it is a character device)"),
  ]

  @Test(arguments: messageCases)
  func messageNamesTheFileAndTheObject(_ testCase: MessageCase) {
    #expect(testCase.error.description == testCase.message)
  }

  // MARK: - Opening bad files

  @Test func missingFileIsFileNotFound() throws {
    try HDF5Fixtures.withTemporaryFolder { folder in
      let url = folder.appendingPathComponent("missing.h5")
      #expect(throws: HDF5Error.fileNotFound(file: url.path)) { try HDF5File(contentsOf: url) }
    }
  }

  @Test(arguments: ["layer_names = conv1\n", ""])
  func fileWithoutSignatureIsNotHDF5(contents: String) throws {
    try HDF5Fixtures.withTemporaryFolder { folder in
      let url = folder.appendingPathComponent("weights.h5")
      try Data(contents.utf8).write(to: url)
      #expect(throws: HDF5Error.notHDF5(file: url.path)) { try HDF5File(contentsOf: url) }
    }
  }

  @Test func directoryIsNotOpened() throws {
    try HDF5Fixtures.withTemporaryFolder { folder in
      let error = #expect(throws: HDF5Error.self) { try HDF5File(contentsOf: folder) }
      #expect(error == .unusableFile(.notRegularFile(file: folder.path, kind: "a directory")))
    }
  }

  /// Datasets whose headers declare terabytes (chunked, no chunk written: the file stays small)
  /// are refused from the header: nothing is allocated or read.
  @Test func declaredShapesAreCheckedBeforeReading() throws {
    try HDF5Fixtures.withTemporaryFolder { folder in
      let url = folder.appendingPathComponent("declared.h5")
      let writer = try HDF5Writer(creatingFileAt: url)
      try writer.writeUnwrittenDataset(declaring: [1 << 20, 1 << 20], at: "/huge")
      try writer.writeUnwrittenDataset(declaring: [1 << 62, 1 << 62, 4], at: "/overflowing")
      try writer.writeDataset(
        Tensor(shape: [2, 3], scalars: [1, 2, .nan, 4, .infinity, 6]), at: "/nonfinite")
      try writer.finish()
      let file = try HDF5File(contentsOf: url)
      #expect(try file.floatDatasetShape(at: "huge") == [1 << 20, 1 << 20])
      #expect(
        throws: HDF5Error.tooManyElements(
          file: url.path, path: "/huge", attribute: nil, shape: [1 << 20, 1 << 20],
          limit: HDF5File.defaultMaxElementCount)
      ) { try file.tensor(at: "huge") }
      #expect(
        throws: HDF5Error.tooManyElements(
          file: url.path, path: "/overflowing", attribute: nil, shape: [1 << 62, 1 << 62, 4],
          limit: HDF5File.defaultMaxElementCount)
      ) { try file.tensor(at: "overflowing") }
      #expect(
        throws: HDF5Error.unexpectedShape(
          file: url.path, path: "/huge", expected: [3, 3], actual: [1 << 20, 1 << 20])
      ) { try file.tensor(at: "huge", expectedShape: [3, 3]) }
      #expect(
        throws: HDF5Error.nonFiniteValues(
          file: url.path, path: "/nonfinite", count: 2, firstIndex: 2)
      ) { try file.tensor(at: "nonfinite", requiringFiniteValues: true) }
      #expect(try file.tensor(at: "nonfinite").shape == [2, 3])
    }
  }

  @Test func truncatedFileFailsToOpenSayingItIsTruncated() throws {
    let whole = try Data(contentsOf: HDF5Fixtures.url("keras2_fixed_strings.h5"))
    let reason = try openFailureReason(of: whole.prefix(whole.count / 2))
    #expect(reason.contains("truncated"), "\(reason)")
  }

  @Test func corruptSuperblockFailsToOpen() throws {
    var bytes = try Data(contentsOf: HDF5Fixtures.url("keras2_fixed_strings.h5"))
    // Keep the 8-byte signature; overwrite the superblock's version numbers and sizes.
    bytes.replaceSubrange(8..<24, with: [UInt8](repeating: 0xFF, count: 16))
    let reason = try openFailureReason(of: bytes)
    #expect(!reason.isEmpty)
  }

  @Test func corruptGroupStructureFailsToReadNamingTheObject() throws {
    var bytes = try Data(contentsOf: HDF5Fixtures.url("keras2_fixed_strings.h5"))
    // Break every symbol-table node ("SNOD", h5py's default old-style groups): the file opens
    // (the superblock is intact) but no link below the root can be followed.
    let signature = Data("SNOD".utf8)
    var searchStart = bytes.startIndex
    while let found = bytes.range(of: signature, in: searchStart..<bytes.endIndex) {
      bytes.replaceSubrange(found, with: Data("XXXX".utf8))
      searchStart = found.upperBound
    }
    try HDF5Fixtures.withTemporaryFolder { folder in
      let url = folder.appendingPathComponent("damaged.h5")
      try bytes.write(to: url)
      let file = try HDF5File(contentsOf: url)
      let path = "/conv1/7x7_s2/conv1/7x7_s2/kernel:0"
      let error = #expect(throws: HDF5Error.self) { try file.tensor(at: path) }
      guard case .readFailed(url.path, path, let reason)? = error else {
        Issue.record("expected readFailed at '\(path)', got \(String(describing: error))")
        return
      }
      #expect(!reason.isEmpty)
    }
  }

  /// Writes `bytes` to a file, expects `HDF5File` to throw `.openFailed` for it, and returns the
  /// reason (HDF5's message, which depends on the HDF5 version).
  private func openFailureReason(of bytes: Data) throws -> String {
    try HDF5Fixtures.withTemporaryFolder { folder in
      let url = folder.appendingPathComponent("damaged.h5")
      try bytes.write(to: url)
      let error = #expect(throws: HDF5Error.self) { try HDF5File(contentsOf: url) }
      guard case .openFailed(let file, let reason)? = error else {
        Issue.record("expected openFailed, got \(String(describing: error))")
        return ""
      }
      #expect(file == url.path)
      #expect(error?.description.hasPrefix("\(url.path): HDF5 cannot open the file") == true)
      return reason
    }
  }

  // MARK: - Missing objects and wrong kinds

  @Test func readingMissingOrMismatchedObjectsGivesTypedErrors() throws {
    let url = try HDF5Fixtures.url("keras2_fixed_strings.h5")
    let file = try HDF5File(contentsOf: url)
    let name = url.path
    #expect(throws: HDF5Error.objectNotFound(file: name, path: "/conv2/conv2/kernel:0")) {
      try file.tensor(at: "conv2/conv2/kernel:0")
    }
    #expect(throws: HDF5Error.objectNotFound(file: name, path: "/conv2")) {
      try file.members(ofGroup: "/conv2")
    }
    #expect(throws: HDF5Error.objectNotFound(file: name, path: "/conv2")) {
      try file.stringArrayAttribute(named: "weight_names", at: "/conv2")
    }
    #expect(
      throws: HDF5Error.wrongObjectKind(
        file: name, path: "/conv1/7x7_s2", expected: .dataset, actual: .group)
    ) { try file.tensor(at: "/conv1/7x7_s2") }
    #expect(
      throws: HDF5Error.wrongObjectKind(
        file: name, path: "/classifier/classifier/bias:0", expected: .group, actual: .dataset)
    ) { try file.members(ofGroup: "/classifier/classifier/bias:0") }
    #expect(
      throws: HDF5Error.attributeNotFound(file: name, path: "/conv1", attribute: "weight_names")
    ) { try file.stringArrayAttribute(named: "weight_names", at: "/conv1") }
    #expect(
      throws: HDF5Error.attributeNotFound(file: name, path: "/", attribute: "model_config")
    ) { try file.stringAttribute(named: "model_config", at: "/") }
  }

  // MARK: - Writer errors

  @Test func writerInAMissingFolderFailsNamingTheFile() throws {
    try HDF5Fixtures.withTemporaryFolder { folder in
      let url = folder.appendingPathComponent("no-such-folder/out.h5")
      let error = #expect(throws: HDF5Error.self) { try HDF5Writer(creatingFileAt: url) }
      guard case .writeFailed(url.path, "/", let reason)? = error else {
        Issue.record(
          "expected writeFailed for \(url.path) at '/', got \(String(describing: error))")
        return
      }
      #expect(!reason.isEmpty)
    }
  }

  @Test func writerRefusesToOverwriteObjectsAndToAttachToNothing() throws {
    try HDF5Fixtures.withTemporaryFolder { folder in
      let url = folder.appendingPathComponent("out.h5")
      let name = url.path
      let writer = try HDF5Writer(creatingFileAt: url)
      try writer.writeDataset(Tensor(zeros: [2]), at: "/layer/w")
      #expect(
        throws: HDF5Error.writeFailed(
          file: name, path: "/layer/w", reason: "a dataset is already there")
      ) { try writer.writeDataset(Tensor(zeros: [3]), at: "layer/w") }
      #expect(
        throws: HDF5Error.writeFailed(
          file: name, path: "/layer", reason: "a group is already there")
      ) { try writer.writeDataset(Tensor(zeros: [3]), at: "/layer") }
      #expect(
        throws: HDF5Error.writeFailed(
          file: name, path: "/layer/w", reason: "a dataset is already there")
      ) { try writer.createGroup(at: "/layer/w") }
      #expect(throws: HDF5Error.objectNotFound(file: name, path: "/other")) {
        try writer.writeStringArrayAttribute(
          ["a"], named: "names", at: "other", as: .fixedLengthASCII)
      }
      #expect(throws: HDF5Error.objectNotFound(file: name, path: "/other")) {
        try writer.writeEmptyFloat64ArrayAttribute(named: "weight_names", at: "/other")
      }
      // The failed calls left the file usable.
      try writer.finish()
      #expect(try HDF5File(contentsOf: url).tensor(at: "/layer/w").shape == [2])
    }
  }
}
