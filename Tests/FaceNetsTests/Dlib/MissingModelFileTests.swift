import FaceTestSupport
import Foundation
import Testing

/// What a test that needs a dlib model file reports when `make setup` has not installed it.
@Suite struct MissingModelFileTests {
  @Test func aMissingFileFailsNamingItsPathAndMakeSetup() {
    let url = URL(fileURLWithPath: "/nonexistent/models/dlib_face_recognition_resnet_model_v1.dat")
    #expect(throws: MissingModelFile(path: url.path)) { try MissingModelFile.check(url) }
    #expect(
      "\(MissingModelFile(path: url.path))"
        == "\(url.path) is missing: run `make setup` to install the model files")
  }

  @Test func anInstalledFileIsReturned() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "model-\(UUID().uuidString).dat")
    try Data([1]).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    #expect(try MissingModelFile.check(url) == url)
  }
}
