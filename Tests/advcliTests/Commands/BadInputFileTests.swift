import FacePipeline
import FaceTestSupport
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The built binary on crafted bad files of each class: exit status 2, one line on standard error
/// naming the file and the problem, nothing on standard output, nothing written.
@Suite struct BadInputFileTests {
  static let vggFixtures = SharedData.packageRoot.appendingPathComponent(
    "Tests/FaceNetsTests/Fixtures/vggface")

  /// A fresh temporary folder; the caller removes it.
  static func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "advcli-bad-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }

  /// Runs advcli and checks the bad-input contract: status 2, stdout empty, exactly the line
  /// `advcli: MESSAGE` on stderr.
  static func expectBadInput(_ arguments: [String], message: String) throws {
    let result = try AdvCLIProcess.run(arguments)
    #expect(result.status == 2, "\(arguments): \(result.standardError)")
    #expect(result.standardOutput.isEmpty)
    #expect(result.standardError == "advcli: \(message)\n")
  }

  @Test func pathsThatAreNotRegularFilesAreNamed() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let fifo = folder.appendingPathComponent("photo.jpg")
    try #require(mkfifo(fifo.path, 0o600) == 0)
    let loop = folder.appendingPathComponent("loop.png")
    try FileManager.default.createSymbolicLink(atPath: loop.path, withDestinationPath: loop.path)
    let cases: [(String, String)] = [
      (fifo.path, "not a regular file (it is a FIFO)"),
      (folder.path, "not a regular file (it is a directory)"),
      ("/dev/zero", "not a regular file (it is a character device)"),
      (loop.path, "too many levels of symbolic links"),
    ]
    for (path, reason) in cases {
      try Self.expectBadInput(
        ["detect", path], message: "\(path): cannot read the file: \(reason)")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 2)
  }

  /// A 170 KB progressive JPEG of 20,000 scans exits 2 at once instead of decoding for minutes.
  @Test func aJPEGWithThousandsOfScansExitsAtOnce() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("scans.jpg")
    // SOI, DQT, SOF2 (8x8 gray), a one-code DC table, then 20,000 DC scans, EOI.
    var bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x43, 0x00]
    bytes += [UInt8](repeating: 1, count: 64)
    bytes += [0xFF, 0xC2, 0x00, 0x0B, 8, 0, 8, 0, 8, 1, 1, 0x11, 0]
    bytes += [0xFF, 0xC4, 0x00, 0x14, 0x00, 1] + [UInt8](repeating: 0, count: 15) + [0x00]
    for _ in 0..<20_000 { bytes += [0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 0, 0x00, 0x7F] }
    try Data(bytes + [0xFF, 0xD9]).write(to: url)
    let clock = ContinuousClock()
    let start = clock.now
    try Self.expectBadInput(
      ["detect", url.path],
      message: "\(url.path): the JPEG decoder rejected the data: more than 500 scans (a real "
        + "JPEG has at most a few dozen)")
    #expect(clock.now - start < .seconds(20))
  }

  /// Keras weights whose header declares terabytes: refused from the header, the dataset named,
  /// and the attack writes nothing.
  @Test func weightsDeclaringTerabytesAreRefusedAndNothingIsWritten() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let weights = folder.appendingPathComponent("weights.h5")
    let writer = try HDF5Writer(creatingFileAt: weights)
    try writer.writeStringArrayAttribute(
      ["conv1/7x7_s2"], named: "layer_names", at: "/", as: .fixedLengthASCII)
    try writer.createGroup(at: "/conv1/7x7_s2")
    try writer.writeStringArrayAttribute(
      ["conv1/7x7_s2/kernel:0"], named: "weight_names", at: "/conv1/7x7_s2",
      as: .fixedLengthASCII)
    try writer.writeUnwrittenDataset(
      declaring: [7, 7, 3, 1 << 40], at: "/conv1/7x7_s2/conv1/7x7_s2/kernel:0")
    try writer.finish()
    let output = folder.appendingPathComponent("out.png")
    try Self.expectBadInput(
      [
        "attack", Self.vggFixtures.appendingPathComponent("sharon.png").path, "--no-detect",
        "-o", output.path, "--weights", weights.path, "--labels",
        Self.vggFixtures.appendingPathComponent("slim_labels_v2.npy").path,
      ],
      message: "\(weights.path): dataset '/conv1/7x7_s2/conv1/7x7_s2/kernel:0' declares shape "
        + "[7, 7, 3, 1099511627776] (161628209283072 elements), over the limit of 268435456 "
        + "elements; nothing was read")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["weights.h5"])
  }

  @Test func aLabelsFileWithANegativeShapeIsRefused() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let labels = folder.appendingPathComponent("labels.npy")
    var header = "{'descr': '<U4', 'fortran_order': False, 'shape': (-5,), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    let length = header.utf8.count
    let bytes =
      [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 255), UInt8(length >> 8)]
      + Array(header.utf8)
    try Data(bytes).write(to: labels)
    try Self.expectBadInput(
      [
        "identify", Self.vggFixtures.appendingPathComponent("sharon.png").path, "--no-detect",
        "--weights", Self.vggFixtures.appendingPathComponent("slim_resnet50.h5").path,
        "--labels", labels.path,
      ],
      message: "\(labels.path): the array has shape (-5,), expected one dimension of 0 or more "
        + "strings")
  }

  /// Without the shape predictor, dlib commands exit 2 naming it and `make setup`, unless
  /// `--approximate-alignment` asks for MTCNN's points.
  @Test func aMissingShapePredictorNeedsTheApproximateAlignmentFlag() throws {
    try AdvCLIProcess.requireDlibModels()
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let resNet = try ModelDirectory().locate(
      DlibModelFile.faceRecognitionResNetV1.name, howToGet: "")
    try FileManager.default.createSymbolicLink(
      at: folder.appendingPathComponent(resNet.lastPathComponent), withDestinationURL: resNet)
    let chip = Self.vggFixtures.appendingPathComponent("sharon.png").path
    try Self.expectBadInput(
      ["embed", "--no-detect", "--models", folder.path, chip],
      message: "model file shape_predictor_5_face_landmarks.dat not found; searched: "
        + "\(folder.path). Install the dlib model files with `make setup`, or pass "
        + "--approximate-alignment to align faces from MTCNN's landmarks (descriptors about 0.1 "
        + "off dlib's)")
    let allowed = try AdvCLIProcess.run(
      ["embed", "--no-detect", "--approximate-alignment", "--models", folder.path, "--json", chip])
    #expect(allowed.status == 0, "\(allowed.standardError)")
    #expect(allowed.standardOutput.hasPrefix("{\"image\": "))
  }
}
