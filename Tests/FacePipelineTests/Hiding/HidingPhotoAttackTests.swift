import FaceTestSupport
import Foundation
import Testing

@testable import FacePipeline

/// `PhotoAttacker.attack(photoAt:goal: .hide(from:) ...)` on a small real photo, judged as
/// `detect` judges the saved file.
@Suite(.enabled(if: SharedData.isAvailable(for: "HidingPhotoAttackTests"), "needs ../shared"))
struct HidingPhotoAttackTests {
  /// With the defaults (PGD, 8/255, dlib-cnn's margin 0.5), dlib-cnn finds no face on the saved
  /// PNG where it found one; only the region around the face changed; the report shows the
  /// boxes.
  @Test func hidingFromDlibCNNLeavesNoFaceInTheSavedFileAndTheRestUntouched() throws {
    let detectors = try HidingSupport.cnnDetectors.get()
    let attacker = PhotoAttacker(detectors: detectors)
    let folder = try HidingSupport.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = try SmallFacePhoto.writeObama(in: folder)
    let output = folder.appendingPathComponent("obama.hidden.png")
    var reports: [PhotoAttackProgress] = []
    let outcome = try attacker.attack(
      photoAt: input, goal: .hide(from: [.dlibCNN]), options: PhotoAttackOptions(),
      output: output, progress: { reports.append($0) })

    let original = try RGBImage(contentsOf: input)
    let face = try #require(detectors.faces(in: original, by: .dlibCNN).first)
    #expect(outcome.model == "dlib-cnn" && outcome.box == face.box)
    #expect(outcome.before == .detections([face]))
    #expect(outcome.after == .detections([]) && outcome.success && outcome.successAfterRounding)
    #expect(outcome.stepsUsed >= 1 && outcome.stepsUsed <= 50 && reports.count == outcome.stepsUsed)
    #expect(reports.last?.current == .detections([]))

    // The saved file, decoded and scanned as `detect` scans it.
    let saved = try RGBImage(contentsOf: output)
    let remaining = detectors.faces(in: saved, by: .dlibCNN)
    #expect(remaining.allSatisfy { $0.box.intersectionOverUnion(with: face.box) < 0.3 })
    #expect(saved.width == original.width && saved.height == original.height)

    // The box grown by half its size on each side (clipped); nothing changes outside it.
    let region = outcome.maskBox
    let grownX = (face.box.width + 1) / 2
    #expect(region.x == max(face.box.x - grownX, 0))
    var changedInside = 0
    for y in 0..<saved.height {
      for x in 0..<saved.width {
        let inside =
          (region.x..<(region.x + region.width)).contains(x)
          && (region.y..<(region.y + region.height)).contains(y)
        let (a, b) = (saved[x, y], original[x, y])
        let differs = a != b
        if differs && !inside { Issue.record("pixel (\(x), \(y)) outside \(region.array) changed") }
        if differs && inside { changedInside += 1 }
        let largest = max(
          abs(Int(a.red) - Int(b.red)), abs(Int(a.green) - Int(b.green)),
          abs(Int(a.blue) - Int(b.blue)))
        #expect(largest <= 8)
      }
    }
    #expect(changedInside > region.width * region.height / 10)
    #expect(outcome.metrics.lInfinity <= 8 && outcome.metrics.lInfinity > 0)

    let report = outcome.report
    #expect(
      report.before.rows.first
        == ReportRow(name: "dlib-cnn", value: "score \(String(format: "%.3f", face.confidence))"))
    #expect(report.after.rows == [ReportRow(name: "dlib-cnn", value: "no face")])
    #expect(report.verdict == "success: found by dlib-cnn (1) -> no face")
    // The original region shows the detector's box, in dlib-cnn's orange.
    #expect(
      report.original != outcome.originalRegion && report.adversarial == outcome.adversarialRegion)
    let picture = folder.appendingPathComponent("report.png")
    try report.write(to: picture)
    #expect(try RGBImage(contentsOf: picture).width > 0)
  }

  /// MTCNN and dlib-cnn at once on the small Sharon Stone photo (about 30 steps; 100 allowed):
  /// each detector's own box before, none of them finds the face on the saved file.
  @Test func hidingFromBothDetectorsLeavesNeitherAFace() throws {
    let detectors = try HidingSupport.bothDetectors.get()
    let folder = try HidingSupport.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = try SmallFacePhoto.writeSharonStone(in: folder)
    let output = folder.appendingPathComponent("sharon.hidden.png")
    let outcome = try PhotoAttacker(detectors: detectors).attack(
      photoAt: input, goal: .hide(from: [.mtcnn, .dlibCNN]),
      options: PhotoAttackOptions(settings: AttackSettings(steps: 100)), output: output)
    #expect(outcome.model == "mtcnn+dlib-cnn" && outcome.success, "\(outcome.after)")
    guard case .detections(let before) = outcome.before else {
      Issue.record("\(outcome.before)")
      return
    }
    #expect(before.map(\.detector) == [.mtcnn, .dlibCNN] && outcome.box == before[0].box)
    let saved = try RGBImage(contentsOf: output)
    for face in before {
      let found = detectors.faces(in: saved, by: face.detector)
      #expect(found.allSatisfy { $0.box.intersectionOverUnion(with: face.box) < 0.3 })
    }
  }

  /// Made for JPEG at quality 90 with EOT over 2 draws (about 40 steps; 100 allowed): the face
  /// is gone from MTCNN's view of the decoded JPEG file.
  @Test func hidingFromMTCNNSurvivesJPEG() throws {
    let detectors = try PhotoDetector()
    let folder = try HidingSupport.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = try SmallFacePhoto.writeSharonStone(in: folder)
    let output = folder.appendingPathComponent("sharon.hidden.jpg")
    let outcome = try PhotoAttacker(detectors: detectors).attack(
      photoAt: input, goal: .hide(from: [.mtcnn]),
      options: PhotoAttackOptions(
        settings: AttackSettings(steps: 100), eotSamples: 2, jpegQuality: 90),
      output: output)
    #expect(outcome.success, "\(outcome.after) \(outcome.notes)")
    #expect(outcome.maskBox.x % 16 == 0 && outcome.maskBox.y % 16 == 0)
    let face = try #require(detectors.faces(in: try RGBImage(contentsOf: input), by: .mtcnn).first)
    let saved = detectors.faces(in: try RGBImage(contentsOf: output), by: .mtcnn)
    #expect(saved.allSatisfy { $0.box.intersectionOverUnion(with: face.box) < 0.3 })
  }

  /// The stages chosen reach MTCNN's objective: three steps through all three stages change the
  /// pixels otherwise than three through O-Net alone (same seed, no early stop).
  @Test func theChosenMTCNNStagesShapeTheAttack() throws {
    let detectors = try PhotoDetector()
    let folder = try HidingSupport.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = try SmallFacePhoto.writeSharonStone(in: folder)
    var saved: [[UInt8]] = []
    for stages: Set<MTCNNFaceScores.Stage> in [[.onet], [.pnet, .rnet, .onet]] {
      let output = folder.appendingPathComponent("sharon.\(stages.count).png")
      _ = try PhotoAttacker(detectors: detectors).attack(
        photoAt: input, goal: .hide(from: [.mtcnn]),
        options: PhotoAttackOptions(
          settings: AttackSettings(steps: 3, earlyStop: false), seed: 5, mtcnnStages: stages),
        output: output)
      saved.append(try RGBImage(contentsOf: output).pixels)
    }
    let original = try RGBImage(contentsOf: input).pixels
    #expect(saved[0] != original && saved[1] != original && saved[0] != saved[1])
  }

  /// A second detector that does not see the face chosen by the first: nothing to hide from it,
  /// said before any attack.
  @Test func aDetectorThatDoesNotSeeTheFaceIsNamed() throws {
    let detectors = try HidingSupport.bothDetectors.get()
    let folder = try HidingSupport.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // The bottom right of obama.jpg: a small face MTCNN finds and dlib-cnn does not.
    let corner = try RGBImage(contentsOf: SharedData.url("data/faces/obama.jpg"))
      .cropped(x: 600, y: 850, width: 310, height: 287)
    let input = folder.appendingPathComponent("corner.png")
    try corner.writePNG(to: input)
    let face = try #require(detectors.faces(in: corner, by: .mtcnn).first)
    #expect(detectors.faces(in: corner, by: .dlibCNN).isEmpty)
    let refusal = PipelineError.faceNotSeen(image: input.path, detector: .dlibCNN, box: face.box)
    #expect(throws: refusal) {
      try PhotoAttacker(detectors: detectors).attack(
        photoAt: input, goal: .hide(from: [.mtcnn, .dlibCNN]), options: PhotoAttackOptions(),
        output: folder.appendingPathComponent("out.png"))
    }
    #expect(
      refusal.description
        == "\(input.path): dlib-cnn finds no face overlapping the face at \(face.box.array) "
        + "(intersection over union at least 0.3): there is nothing to hide from it")
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out.png").path))
  }
}
