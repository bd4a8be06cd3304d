import FacePipeline
import FaceTestSupport
import Foundation
import Testing

/// `PhotoDetector` with dlib's CNN detector: the model file it needs and the scan limit it
/// checks before any work.
@Suite struct PhotoDetectorTests {
  @Test func aMissingCNNModelNamesTheFileAndMakeSetup() throws {
    let empty = try ReportSamples.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: empty) }
    do {
      _ = try PhotoDetector(detectors: [.dlibCNN], models: ModelDirectory(explicit: empty))
      Issue.record("a detector was made without mmod_human_face_detector.dat")
    } catch {
      guard case .modelFileNotFound(let name, let searched, _) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(name == "mmod_human_face_detector.dat" && searched == [empty.path])
      #expect("\(error)".contains("make setup"))
    }
  }

  @Test func aDamagedCNNModelIsRefusedNamingTheFile() throws {
    let folder = try ReportSamples.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try Data("loss_mmod_".utf8).write(
      to: folder.appendingPathComponent("mmod_human_face_detector.dat"))
    #expect {
      try PhotoDetector(detectors: [.dlibCNN], models: ModelDirectory(explicit: folder))
    } throws: { error in
      guard case .unusableDlibModel = error as? PipelineError else { return false }
      return "\(error)".contains("mmod_human_face_detector.dat")
    }
  }

  /// A 4.2-megapixel photo at upsample 1 would make dlib-cnn scan 16.8 megapixels: refused
  /// before the detector runs, naming the photo and the limit.
  @Test func aScanOverTheLimitIsRefusedBeforeDetecting() throws {
    _ = try MissingModelFile.check(
      ModelDirectory().writableFolder.appendingPathComponent("mmod_human_face_detector.dat"))
    let folder = try ReportSamples.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let photo = folder.appendingPathComponent("large.png")
    try RGBImage(width: 2100, height: 2000, red: 90, green: 120, blue: 150).writePNG(to: photo)
    let detector = try PhotoDetector(detectors: [.dlibCNN], upsample: 1)
    let refusal = PipelineError.scanTooLarge(
      image: photo.path, detector: "dlib-cnn", pixels: 16_800_000, limit: 16_000_000)
    #expect(throws: refusal) { try detector.detect(photoAt: photo) }
    #expect(
      "\(refusal)"
        == "\(photo.path): dlib-cnn would scan 16800000 pixels after upsampling, more than its "
        + "limit of 16000000 (16.0 megapixels); use a lower --upsample or a smaller photo")
    // Without upsampling the same photo is scanned (4.2 megapixels); a flat colour has no face.
    let unscaled = try PhotoDetector(detectors: [.dlibCNN], upsample: 0)
    #expect(try unscaled.detect(photoAt: photo).detected.isEmpty)
  }
}
