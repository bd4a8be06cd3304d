import Adversary
import FaceNets
import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FacePipeline

/// Shared by the photo attack tests: the recognizers (loaded once) and a scratch folder.
enum PhotoAttackSupport {
  static let vggFaceFixtures = SharedData.packageRoot.appendingPathComponent(
    "Tests/FaceNetsTests/Fixtures/vggface")

  /// The slim keras-vggface ResNet-50 fixture (7 classes) with its labels.
  static let slimVGGFace = Result { () throws -> PhotoRecognizer in
    try PhotoRecognizer.loadVGGFace(
      .vggface2ResNet50, weights: vggFaceFixtures.appendingPathComponent("slim_resnet50.h5"),
      labels: vggFaceFixtures.appendingPathComponent("slim_labels_v2.npy"),
      directory: ModelDirectory())
  }

  /// dlib's ResNet and shape predictor from the installed model folder, or `MissingModelFile`.
  static let dlib = Result { () throws -> PhotoAttacker in
    try DlibPipelineSupport.requireModels()
    return try PhotoAttacker(recognizer: try PhotoRecognizer.loadDlib(directory: ModelDirectory()))
  }

  static func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "photo-attack-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static func photo(_ name: String) -> URL { SharedData.url("data/faces/\(name)") }
}

@Suite struct PhotoAttackerTests {
  @Test(
    .enabled(if: SharedData.isAvailable(for: "dodgingChangesOnlyTheMaskBoxAndSurvivesTheRecheck")))
  func dodgingChangesOnlyTheMaskBoxAndSurvivesTheRecheck() throws {
    let attacker = try PhotoAttackSupport.dlib.get()
    let folder = try PhotoAttackSupport.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = PhotoAttackSupport.photo("obama.jpg")
    let output = folder.appendingPathComponent("obama.adv.png")
    var steps = 0
    let outcome = try attacker.attack(
      photoAt: input, goal: .dodge, options: PhotoAttackOptions(), output: output,
      progress: { _ in steps += 1 })
    #expect(outcome.success && outcome.successAfterRounding, "\(outcome.after)")
    #expect(outcome.before == .distance(0, samePerson: true))
    guard case .distance(let distance, let same) = outcome.after else {
      Issue.record("expected a distance, got \(outcome.after)")
      return
    }
    #expect(distance > 0.6 && !same)
    #expect(outcome.stepsUsed >= 1 && outcome.stepsUsed <= 50 && steps == outcome.stepsUsed)
    #expect(outcome.metrics.lInfinity <= 8 && outcome.metrics.lInfinity > 0)
    let original = try RGBImage(contentsOf: input)
    let saved = try RGBImage(contentsOf: output)
    #expect(saved.width == original.width && saved.height == original.height)
    let box = outcome.maskBox
    var changedOutside = 0
    var changedInside = 0
    for y in 0..<saved.height {
      for x in 0..<saved.width {
        let i = (y * saved.width + x) * 3
        let differs = saved.pixels[i..<(i + 3)] != original.pixels[i..<(i + 3)]
        let inside =
          (box.x..<(box.x + box.width)).contains(x)
          && (box.y..<(box.y + box.height)).contains(y)
        if differs { if inside { changedInside += 1 } else { changedOutside += 1 } }
      }
    }
    #expect(changedOutside == 0)
    #expect(changedInside > box.width * box.height / 10)
    // The mask box (what the chip reads) covers most of the detector's box.
    let face = try #require(outcome.box)
    let overlapWidth = min(box.x + box.width, face.x + face.width) - max(box.x, face.x)
    let overlapHeight = min(box.y + box.height, face.y + face.height) - max(box.y, face.y)
    #expect(overlapWidth * overlapHeight >= face.width * face.height / 2)
  }

  @Test(
    .enabled(if: SharedData.isAvailable(for: "aTargetedAttackOnTheSlimClassifierNamesTheTarget")))
  func aTargetedAttackOnTheSlimClassifierNamesTheTarget() throws {
    let attacker = try PhotoAttacker(recognizer: try PhotoAttackSupport.slimVGGFace.get())
    let folder = try PhotoAttackSupport.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("sharon.adv.png")
    let input = SharedData.url("data/seed/sharon_stone1.jpg")
    // The target: the classifier's runner-up for the face (the slim fixture's 7 classes are not
    // trained, and 8 levels move its probabilities by a few percent).
    guard case .vggFace(let classifier, _) = attacker.recognizer else {
      Issue.record("expected the VGGFace recognizer, got \(attacker.recognizer)")
      return
    }
    let photo = try RGBImage(contentsOf: input)
    let face = try #require(attacker.detector.detect(in: photo).first?.reportedBox)
    let clean = try #require(classifier.identify(photo, boxes: [face], top: 2).first?.predictions)
    let target = clean[1].label
    let outcome = try attacker.attack(
      photoAt: input, goal: .targeted(name: target.lowercased()), options: PhotoAttackOptions(),
      output: output)
    #expect(outcome.success && outcome.successAfterRounding, "\(outcome.after)")
    #expect(outcome.box == face)
    #expect(outcome.before.topPrediction?.label == clean[0].label)
    #expect(outcome.after.topPrediction?.label == target)
    #expect(outcome.metrics.lInfinity <= 8)
    let report = outcome.report
    #expect(report.verdict == "success: \(clean[0].label) -> \(target)")
    #expect(report.before.rows.count == 5 && report.after.rows.first?.name == target)
  }

  @Test func aRegionOverTheLimitIsRefusedBeforeTheAttack() throws {
    let attacker = try PhotoAttacker(recognizer: try PhotoAttackSupport.slimVGGFace.get())
    let folder = try PhotoAttackSupport.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // 4,001 x 4,000 pixels: just over 16 megapixels, all changed without detection.
    let input = folder.appendingPathComponent("large.png")
    try RGBImage(width: 4_001, height: 4_000, red: 120, green: 110, blue: 100).writePNG(to: input)
    let output = folder.appendingPathComponent("large.adv.png")
    var steps = 0
    #expect(
      throws: PipelineError.attackedRegionTooLarge(
        image: input.path, width: 4_001, height: 4_000,
        limit: PhotoAttacker.maximumAttackedPixels)
    ) {
      try attacker.attack(
        photoAt: input, goal: .untargeted, options: PhotoAttackOptions(detectFaces: false),
        output: output, progress: { _ in steps += 1 })
    }
    #expect(steps == 0 && !FileManager.default.fileExists(atPath: output.path))
    #expect(
      PipelineError.attackedRegionTooLarge(
        image: "a.png", width: 4_001, height: 4_000, limit: 16_000_000
      ).description
        == "a.png: the attack would change 4001x4000 pixels, more than the 16000000 (16.0 "
        + "megapixels) an attack may change; crop or shrink the photo")
  }

  static let badInputs: [(String, PhotoAttackGoal, PhotoAttackOptions, String?)] = [
    ("no_faces_cartoon.jpg", .untargeted, PhotoAttackOptions(), nil),
    ("obama.jpg", .targeted(name: "Sharron Ston"), PhotoAttackOptions(), nil),
    ("obama.jpg", .dodge, PhotoAttackOptions(), nil),
    ("obama.jpg", .untargeted, PhotoAttackOptions(faceIndex: 3), nil),
    ("obama.jpg", .untargeted, PhotoAttackOptions(), "out.jpg"),
    (
      "obama.jpg", .untargeted,
      PhotoAttackOptions(method: .fgsm, settings: AttackSettings(restarts: 3)), nil
    ),
  ]

  @Test(.enabled(if: SharedData.isAvailable(for: "badInputsThrowNamingTheFileAndWriteNothing")))
  func badInputsThrowNamingTheFileAndWriteNothing() throws {
    let attacker = try PhotoAttacker(recognizer: try PhotoAttackSupport.slimVGGFace.get())
    let folder = try PhotoAttackSupport.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let labels = PhotoAttackSupport.vggFaceFixtures.appendingPathComponent("slim_labels_v2.npy")
      .path
    let cartoon = PhotoAttackSupport.photo("no_faces_cartoon.jpg")
    let obama = PhotoAttackSupport.photo("obama.jpg")
    let expected: [PipelineError] = [
      .noFace(image: cartoon.path),
      .unknownTarget(
        name: "Sharron Ston", labels: labels,
        suggestions: ["Sharon Stone", "A. R. Rahman", "A. Raja"]),
      .goalDoesNotFitModel(goal: .dodge, model: .vggface2ResNet50),
      .faceIndexOutOfRange(image: obama.path, index: 3, count: 2),
      .lossyOutput(path: folder.appendingPathComponent("out.jpg").path),
      .invalidAttack(
        .meaninglessOption(
          method: .fgsm, parameter: "restarts",
          reason: "only pgd restarts from new random points and keeps the best run")),
    ]
    for ((photo, goal, options, outputName), error) in zip(Self.badInputs, expected) {
      let output = folder.appendingPathComponent(outputName ?? "out.png")
      #expect(throws: error) {
        try attacker.attack(
          photoAt: PhotoAttackSupport.photo(photo), goal: goal, options: options, output: output)
      }
    }
    // The input itself as the output, also through another spelling of the path.
    let copy = folder.appendingPathComponent("copy.png")
    try FileManager.default.copyItem(at: SharedData.url("data/seed/faceSharon.png"), to: copy)
    let before = try Data(contentsOf: copy)
    let sameFile = URL(fileURLWithPath: folder.path + "/./copy.png")
    #expect(throws: PipelineError.outputIsInput(path: sameFile.path)) {
      try attacker.attack(
        photoAt: copy, goal: .untargeted, options: PhotoAttackOptions(), output: sameFile)
    }
    #expect(try Data(contentsOf: copy) == before)
    // A file that is not an image.
    let text = folder.appendingPathComponent("notes.png")
    try Data("not an image".utf8).write(to: text)
    #expect {
      try attacker.attack(
        photoAt: text, goal: .untargeted, options: PhotoAttackOptions(),
        output: folder.appendingPathComponent("notes.adv.png"))
    } throws: { error in
      guard case .unreadableImage(.notAnImage(let file)) = error as? PipelineError else {
        return false
      }
      return file == text.path && "\(error)".hasPrefix(text.path)
    }
    // An output in a folder that does not exist, or that is a folder: refused before the photo
    // is even read (no progress report, no step).
    let unwritable = folder.appendingPathComponent("missing/out.png")
    let outputs: [(URL, PipelineError)] = [
      (
        unwritable,
        .unusableOutput(
          path: unwritable.path,
          reason: "the folder \(folder.appendingPathComponent("missing").path) does not exist")
      ),
      (
        URL(fileURLWithPath: folder.path + "/sub.png"),
        .unusableOutput(path: folder.path + "/sub.png", reason: "it is a folder")
      ),
    ]
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("sub.png"), withIntermediateDirectories: false)
    for (output, error) in outputs {
      var steps = 0
      #expect(throws: error) {
        try attacker.attack(
          photoAt: obama, goal: .untargeted, options: PhotoAttackOptions(), output: output,
          progress: { _ in steps += 1 })
      }
      #expect(steps == 0)
    }
    try FileManager.default.removeItem(at: folder.appendingPathComponent("sub.png"))
    let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    #expect(left == ["copy.png", "notes.png"])
  }
}
