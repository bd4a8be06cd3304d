import FacePipeline
import FaceTestSupport
import Foundation
import Testing

/// Runs the built `advcli` binary (next to the test bundle) and captures what it prints.
enum AdvCLIProcess {
  struct Result {
    let status: Int32
    let standardOutput: String
    let standardError: String
  }

  /// The `advcli` executable of this build.
  static var binary: URL { Bundle.main.bundleURL.appendingPathComponent("advcli") }

  static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: binary.path) }

  /// Runs the binary with `arguments` (in `directory`, else the test's own) and returns its
  /// status and output.
  ///
  /// Standard output and error go through files: reading a pipe with Foundation can trap on an
  /// interrupted system call, and a full pipe could block the child.
  static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
    try #require(isBuilt, "build the CLI first: \(binary.path) is missing")
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "advcli-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let outputURL = folder.appendingPathComponent("stdout")
    let errorURL = folder.appendingPathComponent("stderr")
    try Data().write(to: outputURL)
    try Data().write(to: errorURL)
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    process.standardOutput = try FileHandle(forWritingTo: outputURL)
    process.standardError = try FileHandle(forWritingTo: errorURL)
    try process.run()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus,
      standardOutput: try String(contentsOf: outputURL, encoding: .utf8),
      standardError: try String(contentsOf: errorURL, encoding: .utf8))
  }

  /// Checks that the dlib model files are installed where the binary looks by default: tests
  /// that need them fail (never skip) without them.
  /// - Throws: `MissingModelFile` naming the first missing file where `make setup` puts it.
  static func requireDlibModels() throws {
    let folder = ModelDirectory()
    for file in [
      DlibModelFile.faceRecognitionResNetV1, .shapePredictor5Landmarks, .mmodHumanFaceDetector,
    ] {
      guard (try? folder.locate(file.name, howToGet: "")) != nil else {
        throw MissingModelFile(path: folder.writableFolder.appendingPathComponent(file.name).path)
      }
    }
  }
}

/// The `mtcnn` package's detections of the shared photos (FaceNets' `detections.json`).
enum MTCNNReference {
  /// The faces of photo `name` (`{"box": [x, y, w, h], "confidence", "keypoints"}` objects).
  static func faces(of name: String) throws -> [[String: Any]] {
    let url = SharedData.packageRoot.appendingPathComponent(
      "Tests/FaceNetsTests/Fixtures/mtcnn/detections.json")
    let root = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    let images = try #require(root["images"] as? [String: Any])
    let image = try #require(images[name] as? [String: Any])
    return try #require(image["faces"] as? [[String: Any]])
  }

  /// The boxes `[x, y, w, h]` of photo `name`'s faces, in the detector's order.
  static func boxes(of name: String) throws -> [[Int]] {
    try faces(of: name).map { face in try #require(face["box"] as? [Int]) }
  }
}

/// dlib 20's CNN face detector on the shared photos at upsample 1
/// (`Tests/FaceNetsTests/Fixtures/dlib_cnn/detections.json`).
enum DlibCNNReference {
  /// The rectangles `[left, top, right, bottom]` of photo `path` (relative to `../shared`), in
  /// dlib's order.
  static func rectangles(of path: String) throws -> [[Int]] {
    let url = SharedData.packageRoot.appendingPathComponent(
      "Tests/FaceNetsTests/Fixtures/dlib_cnn/detections.json")
    let root = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    let photos = try #require(root["photos"] as? [[String: Any]])
    let photo = try #require(photos.first { $0["path"] as? String == path })
    let run = try #require(photo["upsample1"] as? [String: Any])
    return try #require(run["rects_ltrb"] as? [[Int]])
  }
}
