import FacePipeline
import FaceTestSupport
import Foundation

/// Shared by the hiding tests: the detectors loaded once (a missing model file fails the
/// tests that need it, naming `make setup`), and a scratch folder.
enum HidingSupport {
  /// A `PhotoDetector` with dlib-cnn from the installed model folder, or `MissingModelFile`.
  static let cnnDetectors = Result { () throws -> PhotoDetector in
    try detectors([.dlibCNN])
  }

  /// MTCNN and dlib-cnn, in this order.
  static let bothDetectors = Result { () throws -> PhotoDetector in
    try detectors([.mtcnn, .dlibCNN])
  }

  private static func detectors(_ kinds: [FaceDetectorKind]) throws -> PhotoDetector {
    _ = try MissingModelFile.check(
      ModelDirectory().writableFolder.appendingPathComponent(
        DlibModelFile.mmodHumanFaceDetector.name))
    return try PhotoDetector(detectors: kinds)
  }

  static func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "hide-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
