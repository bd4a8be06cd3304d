import Adversary
import ArgumentParser
import FacePipeline
import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import advcli

/// `advcli attack`: argument rules, output formats, and runs of the built binary (the slim
/// VGGFace fixture for the classifier path, errors and batches).
@Suite struct AttackCommandTests {
  @Test func parsesEveryOption() throws {
    let command = try #require(
      try AdvCLI.parseAsRoot([
        "attack", "a.png", "dir", "--model", "dlib-resnet", "--models", "/m", "--impersonate",
        "b.jpg", "--face", "1", "--method", "mifgsm", "--eps", "4/255", "--step", "0.5",
        "--steps", "30", "--norm", "linf", "--no-random-start", "--restarts", "1", "--seed", "7",
        "--threshold", "0.5", "--margin", "0.2", "--no-early-stop", "--eot", "8",
        "--jpeg-quality", "90", "--out-dir", "out", "--summary", "s.jsonl", "--shard", "2/3",
        "--force", "--json", "--report", "r.html", "--quiet",
      ]) as? AdvCLI.Attack)
    #expect(command.images == ["a.png", "dir"] && command.model == .dlibResNet)
    #expect(
      command.files.folder.models == "/m" && command.impersonate == "b.jpg" && command.face == 1)
    #expect(command.goal == .impersonate(photo: URL(fileURLWithPath: "b.jpg")))
    #expect(
      command.attackOptions
        == PhotoAttackOptions(
          method: .mifgsm,
          settings: AttackSettings(
            epsilon: 4, stepSize: 0.5, steps: 30, norm: .lInfinity, randomStart: false,
            restarts: 1, earlyStop: false),
          seed: 7, threshold: 0.5, margin: 0.2, detectFaces: true, faceIndex: 1, eotSamples: 8,
          jpegQuality: 90))
    #expect(command.outDir == "out" && command.summary == "s.jsonl" && command.shard == "2/3")
    #expect(command.force && command.json && command.report == "r.html" && command.quiet)

    let vggFace = try #require(
      try AdvCLI.parseAsRoot([
        "attack", "a.png", "--weights", "w.h5", "--labels", "l.npy", "--target", "Sharon Stone",
        "-o", "x.png", "--no-detect", "--method", "cw", "--norm", "l2",
      ]) as? AdvCLI.Attack)
    #expect(vggFace.recognizerName == .vggface2ResNet50 && vggFace.output == "x.png")
    #expect(vggFace.goal == .targeted(name: "Sharon Stone"))
    #expect(
      vggFace.attackOptions
        == PhotoAttackOptions(
          method: .cw, settings: AttackSettings(norm: .l2), detectFaces: false))
    let defaults = try #require(try AdvCLI.parseAsRoot(["attack", "a.png"]) as? AdvCLI.Attack)
    #expect(defaults.goal == .untargeted && defaults.attackOptions == PhotoAttackOptions())
  }

  @Test(arguments: [
    (
      ["attack", "a.png", "--dodge"],
      "--dodge and --impersonate apply to --model dlib-resnet; vggface2-resnet50 takes --target or nothing"
    ),
    (
      ["attack", "a.png", "--model", "dlib-resnet"],
      "--model dlib-resnet needs exactly one of --dodge and --impersonate PHOTO"
    ),
    (
      ["attack", "a.png", "--model", "dlib-resnet", "--dodge", "--target", "X"],
      "--target applies to the VGGFace classifiers; dlib-resnet takes --dodge or --impersonate"
    ),
    (["attack", "a.png", "--threshold", "0.5"], "--threshold applies to --model dlib-resnet"),
    (
      ["attack", "a.png", "--model", "dlib-resnet", "--dodge", "--labels", "l.npy"],
      "--weights and --labels apply to the VGGFace classifiers; dlib-resnet reads --models"
    ),
    (["attack", "a.png", "--face=-1"], "--face must be >= 0 (faces are numbered from 0), got -1"),
    (
      ["attack", "a.png", "--face", "0", "--no-detect"],
      "--face needs face detection; drop --no-detect"
    ),
    (["attack", "a.png", "--jpeg-quality", "0"], "--jpeg-quality must be in 1...100, got 0"),
    (["attack", "a.png", "--eot=-2"], "--eot must be >= 0, got -2"),
    (["attack", "a.png", "-o", "x.png", "--out-dir", "d"], "give -o or --out-dir, not both"),
    (
      ["attack", "a.png", "--eps", "8/0"],
      "--eps: '8/0' is not a pixel amount: give levels of 0...255 (8, 0.5) or a fraction of the full range (8/255)"
    ),
    (["attack", "a.png", "--shard", "3/2"], "--shard must be K/N with 1 <= K <= N, got '3/2'"),
    (["attack", "a.png", "--report", "r.pdf"], "--report must end in .png or .html, got 'r.pdf'"),
    // The library's rules on values, said with advcli's options.
    (
      ["attack", "a.png", "--eps=-1"], "--eps must be greater than or equal to 0, got -1.0 instead"
    ),
    (
      ["attack", "a.png", "--steps", "0"],
      "--steps must be greater than or equal to 1, got 0 instead"
    ),
    (
      ["attack", "a.png", "--method", "cw", "--eps", "8"],
      "cw does not take --eps: Carlini-Wagner minimises the L2 norm of the perturbation instead "
        + "of bounding it"
    ),
    (
      ["attack", "a.png", "--method", "adam", "--step", "0"],
      "--step must be greater than 0, got 0.0 instead"
    ),
    (
      ["attack", "a.png", "--norm", "l2"],
      "an L2 attack needs --eps (the Euclidean norm of the perturbation in pixel levels of "
        + "0...255); there is no default"
    ),
    // Counts and budgets are bounded (the limits are the library's), negative values reach the
    // rule that refuses them, and output formats are usage errors.
    (
      ["attack", "a.png", "--eps", "256"],
      "--eps must be at most 255 levels (the whole 0...255 range) for linf, got 256.0 instead"
    ),
    (
      ["attack", "a.png", "--eps", "300/255"],
      "--eps must be at most 255 levels (the whole 0...255 range) for linf, got 300.0 instead"
    ),
    (
      ["attack", "a.png", "--eps", "-3"],
      "--eps must be greater than or equal to 0, got -3.0 instead"
    ),
    (["attack", "a.png", "--steps", "10001"], "--steps must be at most 10000, got 10001 instead"),
    (
      ["attack", "a.png", "--steps", "-5"],
      "--steps must be greater than or equal to 1, got -5 instead"
    ),
    (["attack", "a.png", "--restarts", "101"], "--restarts must be at most 100, got 101 instead"),
    (["attack", "a.png", "--eot", "101"], "--eot must be at most 100, got 101"),
    (["attack", "a.png", "--eot", "-2"], "--eot must be >= 0, got -2"),
    (
      ["attack", "a.png", "--face", "-1"], "--face must be >= 0 (faces are numbered from 0), got -1"
    ),
    (
      ["attack", "a.png", "-o", "/tmp/x.jpg"],
      "/tmp/x.jpg: JPEG output is lossy and would undo the perturbation; write a .png, or pass "
        + "--jpeg-quality Q to make the attack survive JPEG at quality Q"
    ),
    (
      ["attack", "a.png", "-o", "/tmp/x.gif"],
      "/tmp/x.gif: the output must end in .png (or .jpg/.jpeg with --jpeg-quality)"
    ),
    (
      ["attack", "a.png", "b.png", "-o", "x.png"],
      "x.png: one output file for 2 images; use --out-dir for several"
    ),
    (["attack", "a.png", "-o", ""], "-o: the path is empty"),
    (["attack", "a.png", "--summary", ""], "--summary: the path is empty"),
    (
      ["attack", "a.png", "--method", "bfgs"],
      "The value 'bfgs' is invalid for '--method <method>'. Please provide one of the following:\n"
        + "  - fgsm\n  - bim\n  - pgd\n  - mifgsm\n  - adam\n  - cw"
    ),
  ])
  func badArgumentsAreUsageErrors(arguments: [String], message: String) {
    #expect(throws: (any Error).self) {
      do {
        _ = try AdvCLI.parseAsRoot(arguments)
      } catch {
        #expect(AdvCLI.message(for: error) == message)
        #expect(AdvCLI.exitCode(for: error) == ExitCode(64))
        throw error
      }
    }
  }

  @Test func helpStatesEveryLimit() {
    let attack = AdvCLI.helpMessage(for: AdvCLI.Attack.self, columns: 1_000)
    for limit in [
      "linf: 0 to 255", "Iterations, 1 to 10000", "keeping the best, 1 to 100.",
      "(EOT), 0 to 100.", "at most 16 megapixels", "130/143 stopped by SIGINT/SIGTERM",
    ] {
      #expect(attack.contains(limit), "\(limit)")
    }
    let detect = AdvCLI.helpMessage(for: AdvCLI.Detect.self, columns: 1_000)
    #expect(detect.contains("pyramid levels, 0.1 to 0.95.") && detect.contains("(at least 4)"))
  }

  @Test func reportsOfSeveralPhotosAreNamedAfterEachPhoto() {
    #expect(
      AttackOutput.reportURL("out/r.png", image: "in/obama.jpg", single: true).path
        == URL(fileURLWithPath: "out/r.png").path)
    #expect(
      AttackOutput.reportURL("out/r.html", image: "in/obama.jpg", single: false).path
        == URL(fileURLWithPath: "out/r.obama.html").path)
  }

  // MARK: - The built binary, slim VGGFace

  static let fixtures = SharedData.packageRoot.appendingPathComponent(
    "Tests/FaceNetsTests/Fixtures/vggface")
  static var slimModel: [String] {
    [
      "--weights", fixtures.appendingPathComponent("slim_resnet50.h5").path, "--labels",
      fixtures.appendingPathComponent("slim_labels_v2.npy").path,
    ]
  }

  static func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "attack-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// A new folder with a `photos` folder holding copies of faceSharon.png and
  /// sharon_stone1.jpg; the caller removes the folder.
  static func folderWithTwoPhotos() throws -> (folder: URL, photos: URL) {
    let folder = try folder()
    let photos = folder.appendingPathComponent("photos")
    try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
    for name in ["faceSharon.png", "sharon_stone1.jpg"] {
      try FileManager.default.copyItem(
        at: SharedData.url("data/seed/\(name)"), to: photos.appendingPathComponent(name))
    }
    return (folder, photos)
  }

  static func object(_ line: Substring) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
  }

  static let jsonKeys = [
    "image", "output", "model", "method", "eps", "steps_used", "seconds", "box", "mask_box",
    "success", "success_after_rounding", "before", "after", "linf", "l2", "psnr", "ssim",
  ]

  /// The keys of a JSON object line in their order of appearance.
  static func keyOrder(_ line: Substring) -> [String] {
    jsonKeys.compactMap { key in line.range(of: "\"\(key)\":").map { (key, $0.lowerBound) } }
      .sorted { $0.1 < $1.1 }.map(\.0)
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "targetedAttackOnTheSlimClassifierWithReports")))
  func targetedAttackOnTheSlimClassifierWithReports() throws {
    try #require(AdvCLIProcess.isBuilt, "no advcli at \(AdvCLIProcess.binary.path)")
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = SharedData.url("data/seed/sharon_stone1.jpg").path
    let output = folder.appendingPathComponent("sharon.adv.png").path
    let pictureReport = folder.appendingPathComponent("report.png").path
    // The target: the runner-up `identify` names for the face (the slim fixture's 7 classes are
    // not trained, and 8 levels move its probabilities by a few percent).
    let identified = try AdvCLIProcess.run(
      ["identify", input, "--json", "--top", "2"] + Self.slimModel)
    let identifiedLine = try #require(identified.standardOutput.split(separator: "\n").first)
    let faces = try #require(try Self.object(identifiedLine)["faces"] as? [[String: Any]])
    let clean = try #require(faces.first?["predictions"] as? [[String: Any]])
    let (top, target) = (
      try #require(clean.first?["label"] as? String), try #require(clean.last?["label"] as? String)
    )
    let result = try AdvCLIProcess.run(
      ["attack", input, "--target", target, "-o", output, "--json", "--report", pictureReport]
        + Self.slimModel)
    #expect(result.status == 0, "\(result.standardError)")
    let line = try #require(result.standardOutput.split(separator: "\n").first)
    #expect(Self.keyOrder(line) == Self.jsonKeys)
    let object = try Self.object(line)
    #expect(object["image"] as? String == input && object["output"] as? String == output)
    #expect(
      object["model"] as? String == "vggface2-resnet50" && object["method"] as? String == "pgd")
    #expect((object["eps"] as? Double) == 8)
    #expect(object["success"] as? Bool == true)
    let after = try #require(object["after"] as? [String: Any])
    let predictions = try #require(after["predictions"] as? [[String: Any]])
    #expect(predictions.count == 5 && predictions.first?["label"] as? String == target)
    let before = try #require(
      (object["before"] as? [String: Any])?["predictions"] as? [[String: Any]])
    #expect(before.first?["label"] as? String == top)
    let maskBox = try #require(object["mask_box"] as? [Int])
    #expect(maskBox.count == 4 && (object["box"] as? [Int])?.count == 4)
    #expect(try #require(object["linf"] as? Double) <= 8)

    // The picture report: text drawn in the caption blocks under the panels.
    let picture = try RGBImage(contentsOf: URL(fileURLWithPath: pictureReport))
    let region = RGBImage(width: maskBox[2], height: maskBox[3], red: 0, green: 0, blue: 0)
    let rows = (0..<5).map { ReportRow(name: "name \($0)", value: "1.00%") }
    let caption = ReportCaption(heading: "h", nameTitle: "n", valueTitle: "v", rows: rows)
    let measurements = ReportCaption(
      heading: "h", nameTitle: "n", valueTitle: "v",
      rows: Array(rows.prefix(4)))
    let layout = try ReportImageRenderer().layout(
      for: AttackReport(
        title: AttackReportTitle(
          imageName: "x", model: "m", method: "p", epsilonLevels: 8, steps: 1, seconds: 1),
        original: region,
        perturbation: AmplifiedPerturbation(original: region, adversarial: region),
        adversarial: region, before: caption, measurements: measurements, after: caption,
        verdict: "v"))
    #expect(picture.width == layout.width && picture.height == layout.height)
    for block in layout.captions {
      var inked = 0
      for y in block.y..<(block.y + block.height) {
        for x in block.x..<(block.x + block.width) {
          let i = (y * picture.width + x) * 3
          if picture.pixels[i..<(i + 3)].contains(where: { $0 < 128 }) { inked += 1 }
        }
      }
      #expect(inked > 200, "caption block \(block): \(inked) dark pixels")
    }

    // The same attack with an HTML report and the tables: one self-contained page.
    let pageReport = folder.appendingPathComponent("report.html").path
    let again = try AdvCLIProcess.run(
      [
        "attack", input, "--target", target, "-o",
        folder.appendingPathComponent("again.png").path, "--report", pageReport,
      ] + Self.slimModel)
    #expect(again.status == 0, "\(again.standardError)")
    let page = try String(contentsOfFile: pageReport, encoding: .utf8)
    #expect(page.contains(target) && page.contains("data:image/png;base64,"))
    #expect(!page.contains("http://") && !page.contains("https://"))
    let lines = again.standardOutput.split(separator: "\n").map(String.init)
    #expect(lines.first == "\(input): before (vggface2-resnet50)")
    #expect(lines.contains { $0.hasPrefix("  Name") && $0.hasSuffix("Confidence") })
    #expect(
      lines.contains(
        "\(folder.appendingPathComponent("again.png").path): after (re-checked on the saved file)"))
    #expect(lines.last?.hasPrefix("success: \(top) -> \(target);") == true)
    // Same seed, same bytes.
    #expect(
      try Data(contentsOf: URL(fileURLWithPath: output))
        == Data(contentsOf: folder.appendingPathComponent("again.png")))
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "badInputsExitWithStatus2AndWriteNothing")))
  func badInputsExitWithStatus2AndWriteNothing() throws {
    try #require(AdvCLIProcess.isBuilt, "no advcli at \(AdvCLIProcess.binary.path)")
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let sharon = SharedData.url("data/seed/sharon_stone1.jpg").path
    let copy = folder.appendingPathComponent("copy.png").path
    try FileManager.default.copyItem(
      atPath: SharedData.url("data/seed/faceSharon.png").path, toPath: copy)
    let broken = folder.appendingPathComponent("broken.jpg").path
    try Data("not a photo".utf8).write(to: URL(fileURLWithPath: broken))
    let labels = Self.fixtures.appendingPathComponent("slim_labels_v2.npy").path
    let out = folder.appendingPathComponent("out.png").path
    let cases: [([String], String)] = [
      (
        [sharon, "--target", "Sharron Ston", "-o", out],
        "\(labels): no label matches the target 'Sharron Ston'; closest: Sharon Stone, A. R. Rahman, A. Raja"
      ),
      ([copy, "-o", copy], "\(copy): the output would overwrite the input"),
      ([broken, "-o", out], "\(broken): "),
      (
        [SharedData.url("data/faces/no_faces_cartoon.jpg").path, "-o", out],
        "\(SharedData.url("data/faces/no_faces_cartoon.jpg").path): no face found"
      ),
    ]
    let before = try Data(contentsOf: URL(fileURLWithPath: copy))
    for (arguments, message) in cases {
      let result = try AdvCLIProcess.run(["attack"] + arguments + Self.slimModel)
      #expect(result.status == 2, "\(arguments)")
      #expect(result.standardOutput.isEmpty)
      #expect(result.standardError.hasPrefix("advcli: \(message)"), "\(result.standardError)")
      #expect(result.standardError.split(separator: "\n").count == 1)
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == before)
    let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    #expect(left == ["broken.jpg", "copy.png"])
    // A missing weights file names the folders searched and how to get it.
    let missing = try AdvCLIProcess.run(
      ["attack", sharon, "-o", out, "--models", folder.path, "--model", "vggface-vgg16"])
    #expect(missing.status == 2)
    #expect(missing.standardError.hasPrefix("advcli: model file "))
    #expect(missing.standardError.contains(folder.path))
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "aBatchSkipsShardsAndExitsByTheWorstResult")))
  func aBatchSkipsShardsAndExitsByTheWorstResult() throws {
    try #require(AdvCLIProcess.isBuilt, "no advcli at \(AdvCLIProcess.binary.path)")
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let photos = folder.appendingPathComponent("photos")
    try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
    for name in ["faceSharon.png", "sharon_stone1.jpg", "index.jpeg"] {
      try FileManager.default.copyItem(
        at: SharedData.url("data/seed/\(name)"), to: photos.appendingPathComponent(name))
    }
    let out = folder.appendingPathComponent("out").path
    let summary = folder.appendingPathComponent("summary.jsonl").path
    // A budget too small to succeed: every attack runs, fails, and its output is written.
    let weak = ["--eps", "0.01", "--steps", "2", "--quiet"]
    var shardOutputs: [[String]] = []
    for shard in ["1/2", "2/2"] {
      let result = try AdvCLIProcess.run(
        ["attack", photos.path, "--out-dir", out, "--summary", summary, "--shard", shard, "--json"]
          + weak + Self.slimModel)
      let lines = result.standardOutput.split(separator: "\n")
      let outputs = try lines.map { try #require(try Self.object($0)["output"] as? String) }
      #expect(result.status == (lines.isEmpty ? 0 : 1), "\(result.standardError)")
      #expect(try lines.allSatisfy { try Self.object($0)["success"] as? Bool == false })
      shardOutputs.append(outputs)
    }
    // Each photo in exactly one shard; the summary has one line per photo.
    let expected = ["faceSharon", "index", "sharon_stone1"].map { "\(out)/\($0).adv.png" }
    #expect((shardOutputs[0] + shardOutputs[1]).sorted() == expected)
    #expect(Set(shardOutputs[0]).isDisjoint(with: shardOutputs[1]))
    #expect(try String(contentsOfFile: summary, encoding: .utf8).split(separator: "\n").count == 3)
    for path in expected { #expect(FileManager.default.fileExists(atPath: path)) }

    // A re-run skips every existing output; a bad file among the inputs makes the batch exit 2,
    // while the good ones are still attacked.
    let modified = try FileManager.default.attributesOfItem(atPath: expected[0])[.modificationDate]
    let rerun = try AdvCLIProcess.run(
      ["attack", photos.path, "--out-dir", out] + weak + Self.slimModel)
    #expect(rerun.status == 0 && rerun.standardOutput.isEmpty)
    #expect(rerun.standardError.split(separator: "\n").count == 3)
    #expect(rerun.standardError.contains("advcli: skipping \(photos.path)/faceSharon.png: "))
    #expect(
      try FileManager.default.attributesOfItem(atPath: expected[0])[.modificationDate] as? Date
        == modified as? Date)
    let broken = folder.appendingPathComponent("broken.png").path
    try Data("no".utf8).write(to: URL(fileURLWithPath: broken))
    let mixed = try AdvCLIProcess.run(
      [
        "attack", broken, photos.appendingPathComponent("faceSharon.png").path, "--out-dir", out,
        "--force",
      ]
        + weak + Self.slimModel)
    #expect(mixed.status == 2)
    #expect(mixed.standardError.hasPrefix("advcli: \(broken): "))
    #expect(!FileManager.default.fileExists(atPath: "\(out)/broken.adv.png"))
    #expect(mixed.standardOutput.contains("\(out)/faceSharon.adv.png: after"))
  }
}
