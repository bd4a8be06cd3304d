import FaceNets
import Foundation
import Testing

@testable import FacePipeline

/// Without `shape_predictor_5_face_landmarks.dat`, dlib's recognizer refuses to load unless the
/// approximate alignment (MTCNN's points, descriptors about 0.1 off dlib's) is asked for.
/// (Fails with `MissingModelFile`, naming `make setup`, when the ResNet is not installed.)
struct MissingShapePredictorTests {
  /// A model folder holding only a link to the installed ResNet; the caller removes it.
  static func folderWithoutPredictor() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "models-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let resNet = try DlibPipelineSupport.locate(.faceRecognitionResNetV1)
    try FileManager.default.createSymbolicLink(
      at: folder.appendingPathComponent(resNet.lastPathComponent), withDestinationURL: resNet)
    return folder
  }

  @Test func aMissingShapePredictorIsAnErrorNamingTheFileAndMakeSetup() throws {
    let folder = try Self.folderWithoutPredictor()
    defer { try? FileManager.default.removeItem(at: folder) }
    let models = ModelDirectory(explicit: folder)
    let error = #expect(throws: PipelineError.self) { try DlibFaceEmbedder(models: models) }
    guard case .modelFileNotFound(let name, let searched, let howToGet)? = error else {
      Issue.record("expected modelFileNotFound, got \(String(describing: error))")
      return
    }
    #expect(name == DlibModelFile.shapePredictor5Landmarks.name)
    #expect(searched == [folder.path])
    #expect(howToGet.contains("make setup"))
    #expect(howToGet.contains("allowingApproximateAlignment"))
    #expect(throws: PipelineError.self) {
      try PhotoRecognizer.load(.dlibResNet, directory: models)
    }
  }

  @Test func theApproximateAlignmentIsAnExplicitChoice() throws {
    let folder = try Self.folderWithoutPredictor()
    defer { try? FileManager.default.removeItem(at: folder) }
    let embedder = try DlibFaceEmbedder(
      models: ModelDirectory(explicit: folder), allowingApproximateAlignment: true)
    #expect(embedder.aligner.shapePredictor == nil)
  }
}
