import ArgumentParser
import FacePipeline
import FaceTestSupport
import Foundation
import Testing

@testable import advcli

/// `advcli attack --hide`: its argument rules, and a run of the built binary hiding a face from
/// dlib-cnn in a small real photo, judged on the saved file.
@Suite struct AttackCommandHideTests {
  @Test func parsesTheHideOptions() throws {
    let command = try #require(
      try AdvCLI.parseAsRoot([
        "attack", "a.png", "--hide", "--detector", "dlib-cnn", "--face", "1", "--margin", "0.3",
        "--steps", "20", "--eot", "4", "--jpeg-quality", "90",
      ]) as? AdvCLI.Attack)
    #expect(command.goal == .hide(from: [.dlibCNN]))
    #expect(
      command.attackOptions
        == PhotoAttackOptions(
          settings: AttackSettings(steps: 20), margin: 0.3, faceIndex: 1, eotSamples: 4,
          jpegQuality: 90))
    let defaults = try #require(
      try AdvCLI.parseAsRoot(["attack", "a.png", "--hide"]) as? AdvCLI.Attack)
    #expect(defaults.goal == .hide(from: [.mtcnn]))
    #expect(defaults.attackOptions.mtcnnStages == [.onet])
    let stages = try #require(
      try AdvCLI.parseAsRoot([
        "attack", "a.png", "--hide", "--detector", "dlib-cnn,mtcnn", "--mtcnn-stages",
        "rnet,pnet,onet",
      ]) as? AdvCLI.Attack)
    #expect(stages.attackOptions.mtcnnStages == [.pnet, .rnet, .onet])
    let help = AdvCLI.helpMessage(for: AdvCLI.Attack.self, columns: 1_000)
    for text in [
      "the detectors to hide from, comma-separated: mtcnn, dlib-cnn (default: mtcnn).",
      "--hide: each detector's score units, default mtcnn 0.5, dlib-cnn 0.5).",
      "mask_box). With --hide, no recognizer:",
      "comma-separated: pnet, rnet, onet (default: onet; MTCNN reports a face only through O-Net).",
    ] {
      #expect(help.contains(text), "\(text)")
    }
  }

  @Test(arguments: [
    (
      ["attack", "a.png", "--hide", "--model", "dlib-resnet"],
      "--model cannot be used with --hide: hiding a face fools the detectors, not a recognizer"
    ),
    (
      ["attack", "a.png", "--hide", "--dodge"],
      "--dodge cannot be used with --hide: hiding a face fools the detectors, not a recognizer"
    ),
    (
      ["attack", "a.png", "--hide", "--impersonate", "b.png"],
      "--impersonate cannot be used with --hide: hiding a face fools the detectors, not a "
        + "recognizer"
    ),
    (
      ["attack", "a.png", "--hide", "--target", "Sharon Stone"],
      "--target cannot be used with --hide: hiding a face fools the detectors, not a recognizer"
    ),
    (
      ["attack", "a.png", "--hide", "--weights", "w.h5"],
      "--weights cannot be used with --hide: hiding a face fools the detectors, not a recognizer"
    ),
    (
      ["attack", "a.png", "--hide", "--detector", "dlib-hog"],
      "--detector dlib-hog: dlib-hog cannot be hidden from: its scores have no gradient here; "
        + "hide from mtcnn or dlib-cnn"
    ),
    (
      ["attack", "a.png", "--hide", "--detector", "dlib-cnn,dlib-hog"],
      "--detector dlib-hog: dlib-hog cannot be hidden from: its scores have no gradient here; "
        + "hide from mtcnn or dlib-cnn"
    ),
    (["attack", "a.png", "--detector", "dlib-cnn"], "--detector applies to --hide"),
    (
      ["attack", "a.png", "--hide", "--threshold", "0.5"],
      "--threshold does not apply to --hide: each detector's own threshold decides"
    ),
    (
      ["attack", "a.png", "--hide", "--no-detect"],
      "--no-detect cannot be used with --hide: the detectors find the face to hide"
    ),
    (
      ["attack", "a.png", "--hide", "--margin=-1"],
      "--margin must be a finite number >= 0, got -1.0"
    ),
    (
      ["attack", "a.png", "--hide", "--detector", "yolo"],
      "The value 'yolo' is invalid for '--detector <names>'"
    ),
    (["attack", "a.png", "--mtcnn-stages", "pnet"], "--mtcnn-stages applies to --hide"),
    (
      ["attack", "a.png", "--hide", "--detector", "dlib-cnn", "--mtcnn-stages", "pnet,onet"],
      "--mtcnn-stages cannot be used with --detector: MTCNN is not among the detectors"
    ),
    (
      ["attack", "a.png", "--hide", "--mtcnn-stages", "onet,onet"],
      "The value 'onet,onet' is invalid for '--mtcnn-stages <stages>'"
    ),
    (
      ["attack", "a.png", "--hide", "--mtcnn-stages", "pnet,"],
      "The value 'pnet,' is invalid for '--mtcnn-stages <stages>'"
    ),
  ])
  func recognizerOptionsAndUndifferentiableDetectorsAreUsageErrors(
    arguments: [String], message: String
  ) {
    #expect(throws: (any Error).self) {
      do {
        _ = try AdvCLI.parseAsRoot(arguments)
      } catch {
        #expect(AdvCLI.message(for: error).hasPrefix(message), "\(AdvCLI.message(for: error))")
        #expect(AdvCLI.exitCode(for: error) == ExitCode(64))
        throw error
      }
    }
  }

  /// A batch of the small Obama photo and a photo without a face: the face is hidden from
  /// dlib-cnn in the saved file (checked with the detector), only `mask_box` changed, the JSON
  /// line has its per-detector boxes, the report is written; the photo without a face is bad
  /// input (exit 2) and gets no output.
  @Test(.enabled(if: SharedData.isAvailable(for: "hidesTheFaceFromDlibCNNInABatch")))
  func hidesTheFaceFromDlibCNNInABatch() throws {
    try AdvCLIProcess.requireDlibModels()
    let folder = try AttackCommandTests.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let photo = try SmallFacePhoto.writeObama(in: folder)
    let cartoon = SharedData.url("data/faces/no_faces_cartoon.jpg").path
    let outputs = folder.appendingPathComponent("out")
    let result = try AdvCLIProcess.run([
      "attack", photo.path, cartoon, "--hide", "--detector", "dlib-cnn", "--json", "--out-dir",
      outputs.path, "--report", folder.appendingPathComponent("r.png").path,
    ])
    #expect(result.status == 2, "\(result.standardError)")
    #expect(result.standardError.contains("\(cartoon): no face found"), "\(result.standardError)")
    let lines = result.standardOutput.split(separator: "\n")
    try #require(lines.count == 1, "\(result.standardOutput)")
    // The attack keys in their order, with the per-detector boxes after "after".
    var keys = AttackCommandTests.jsonKeys
    keys.insert("detectors", at: (keys.firstIndex(of: "after") ?? 0) + 1)
    let order = keys.compactMap { key in
      lines[0].range(of: "\"\(key)\":").map { (key, $0.lowerBound) }
    }
    #expect(order.sorted { $0.1 < $1.1 }.map(\.0) == keys)
    let object = try AttackCommandTests.object(lines[0])
    #expect(object["model"] as? String == "dlib-cnn" && object["success"] as? Bool == true)
    #expect(object["success_after_rounding"] as? Bool == true)
    let detectors = try #require(object["detectors"] as? [[String: Any]])
    #expect(detectors.count == 1 && detectors[0]["detector"] as? String == "dlib-cnn")
    #expect(detectors[0]["success"] as? Bool == true)
    #expect((detectors[0]["after"] as? [Any])?.isEmpty == true)
    let before = try #require((detectors[0]["before"] as? [[String: Any]])?.first)
    let box = try #require(before["box"] as? [Int])
    #expect((before["confidence"] as? Double ?? 0) > 0)
    let faces = try #require((object["before"] as? [String: Any])?["faces"] as? [[String: Any]])
    #expect(faces.count == 1 && faces[0]["detector"] as? String == "dlib-cnn")
    #expect(((object["after"] as? [String: Any])?["faces"] as? [Any])?.isEmpty == true)
    #expect(object["box"] as? [Int] == box)
    #expect((object["linf"] as? Double ?? 99) <= 8)

    let output = try #require(object["output"] as? String)
    #expect(output == outputs.appendingPathComponent("obama-small.adv.png").path)
    try AttackCommandDlibTests.expectOnlyMaskBoxChanged(object)
    let face = PixelBox(x: box[0], y: box[1], width: box[2], height: box[3])
    let saved = try PhotoDetector(detectors: [.dlibCNN]).detect(
      photoAt: URL(fileURLWithPath: output))
    #expect(saved.detected.allSatisfy { $0.box.intersectionOverUnion(with: face) < 0.3 })
    #expect(
      FileManager.default.fileExists(
        atPath: folder.appendingPathComponent("r.obama-small.png").path))
    #expect(
      !FileManager.default.fileExists(
        atPath: outputs.appendingPathComponent("no_faces_cartoon.adv.png").path))
  }
}
