import FacePipeline
import FaceTestSupport
import Foundation

/// Shared by the hiding tests: dlib's CNN detector loaded once (a missing model file fails the
/// tests that need it, naming `make setup`), and a scratch folder.
enum HidingSupport {
  /// A `PhotoDetector` with dlib-cnn from the installed model folder, or `MissingModelFile`.
  static let cnnDetectors = Result { () throws -> PhotoDetector in
    _ = try MissingModelFile.check(
      ModelDirectory().writableFolder.appendingPathComponent(
        DlibModelFile.mmodHumanFaceDetector.name))
    return try PhotoDetector(detectors: [.dlibCNN])
  }

  static func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "hide-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
