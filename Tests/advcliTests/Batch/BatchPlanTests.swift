import FacePipeline
import FaceTestSupport
import Foundation
import Testing

@testable import advcli

@Suite struct BatchPlanTests {
  /// A folder with `names` as empty files.
  func folder(with names: [String]) throws -> URL {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("batch-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for name in names {
      FileManager.default.createFile(
        atPath: folder.appendingPathComponent(name).path, contents: Data([1]))
    }
    return folder
  }

  @Test func directoryContributesItsImagesSortedAndOutputsGoNextToThem() throws {
    let dir = try folder(with: ["b.jpg", "a.png", "notes.txt", "C.JPEG"])
    let plan = try BatchPlan(
      inputs: [dir.path], output: nil, outputDirectory: nil, jpegQuality: nil, shard: .all,
      force: false)
    #expect(
      plan.items.map { ($0.input as NSString).lastPathComponent } == ["C.JPEG", "a.png", "b.jpg"])
    #expect(plan.items.map(\.output.lastPathComponent) == ["C.adv.png", "a.adv.png", "b.adv.png"])
    #expect(plan.items.allSatisfy { $0.output.deletingLastPathComponent().path == dir.path })
  }

  @Test func jpegTargetsGetAdvJpgOutputsInTheOutputDirectory() throws {
    let dir = try folder(with: ["x.png"])
    let out = try folder(with: [])
    let plan = try BatchPlan(
      inputs: [dir.appendingPathComponent("x.png").path], output: nil, outputDirectory: out,
      jpegQuality: 90, shard: .all, force: false)
    #expect(plan.items.map(\.output) == [out.appendingPathComponent("x.adv.jpg")])
  }

  @Test func existingOutputsAreSkippedUnlessForced() throws {
    let dir = try folder(with: ["a.png", "b.png", "a.adv.png"])
    let unforced = try BatchPlan(
      inputs: [dir.path], output: nil, outputDirectory: nil, jpegQuality: nil, shard: .all,
      force: false)
    // a.adv.png is an earlier run's result: not an input, and a.png is skipped because of it.
    #expect(unforced.skipped.map(\.output.lastPathComponent) == ["a.adv.png"])
    #expect(unforced.items.map(\.output.lastPathComponent) == ["b.adv.png"])
    let forced = try BatchPlan(
      inputs: [dir.path], output: nil, outputDirectory: nil, jpegQuality: nil, shard: .all,
      force: true)
    #expect(forced.skipped.isEmpty)
    #expect(forced.items.map(\.output.lastPathComponent) == ["a.adv.png", "b.adv.png"])
  }

  @Test func anOutputThatIsNoRegularFileIsPlannedAndRefusedBeforeAnyAttack() throws {
    let dir = try folder(with: ["a.png", "b.png", "c.png"])
    defer { try? FileManager.default.removeItem(at: dir) }
    // A folder where a.png's output goes is no finished output: not skipped, refused.
    try FileManager.default.createDirectory(
      at: dir.appendingPathComponent("a.adv.png"), withIntermediateDirectories: false)
    let plan = try BatchPlan(
      inputs: [dir.appendingPathComponent("a.png").path], output: nil, outputDirectory: nil,
      jpegQuality: nil, shard: .all, force: false)
    #expect(plan.skipped.isEmpty && plan.items.count == 1)
    let output = dir.appendingPathComponent("a.adv.png").path
    #expect(throws: PipelineError.unusableOutput(path: output, reason: "it is a folder")) {
      try plan.checkDestinations(creatingFolders: false, summary: nil, report: nil)
    }
    // The summary and each photo's report (REPORT.STEM.png for several photos) are checked too.
    let several = try BatchPlan(
      inputs: [dir.path], output: nil, outputDirectory: dir.appendingPathComponent("out/new"),
      jpegQuality: nil, shard: .all, force: true)
    let missing = dir.appendingPathComponent("missing").path
    #expect(
      throws: PipelineError.unusableOutput(
        path: missing + "/s.jsonl", reason: "the folder \(missing) does not exist")
    ) {
      try several.checkDestinations(
        creatingFolders: true, summary: missing + "/s.jsonl", report: nil)
    }
    #expect(
      throws: PipelineError.unusableOutput(
        path: missing + "/r.a.html", reason: "the folder \(missing) does not exist")
    ) {
      try several.checkDestinations(
        creatingFolders: true, summary: nil, report: missing + "/r.html")
    }
    try several.checkDestinations(
      creatingFolders: true, summary: dir.path + "/s.jsonl", report: dir.path + "/r.html")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
  }

  @Test func everyImageBelongsToExactlyOneShard() throws {
    let names = (0..<200).map { "photo\($0).jpg" }
    let dir = try folder(with: names)
    var seen: [String: Int] = [:]
    for k in 1...7 {
      let plan = try BatchPlan(
        inputs: [dir.path], output: nil, outputDirectory: nil, jpegQuality: nil,
        shard: try Shard(index: k, count: 7), force: false)
      for item in plan.items { seen[item.input, default: 0] += 1 }
      // Roughly balanced: each of 7 shards gets some of the 200 images.
      #expect(plan.items.count > 10)
    }
    #expect(seen.count == 200 && seen.values.allSatisfy { $0 == 1 })
  }

  @Test(arguments: [
    ("0/3", "--shard must be K/N with 1 <= K <= N, got '0/3'"),
    ("4/3", "--shard must be K/N with 1 <= K <= N, got '4/3'"),
    ("2", "--shard must be K/N with 1 <= K <= N, got '2'"),
    ("a/b", "--shard must be K/N with 1 <= K <= N, got 'a/b'"),
  ])
  func badShardsAreRefused(text: String, message: String) {
    #expect(throws: BatchError.invalidShard(text)) { try Shard(parsing: text) }
    #expect(BatchError.invalidShard(text).description == message)
  }

  @Test func outputEqualToTheInputIsRefused() throws {
    let dir = try folder(with: ["a.png"])
    let input = dir.appendingPathComponent("a.png")
    #expect(throws: BatchError.outputIsInput(path: input.path)) {
      try BatchPlan(
        inputs: [input.path], output: input, outputDirectory: nil, jpegQuality: nil, shard: .all,
        force: true)
    }
  }

  @Test func oneOutputFileForSeveralImagesIsRefused() throws {
    let dir = try folder(with: ["a.png", "b.png"])
    let out = dir.appendingPathComponent("out.png")
    #expect(throws: BatchError.outputNeedsSingleInput(path: out.path, inputCount: 2)) {
      try BatchPlan(
        inputs: [dir.path], output: out, outputDirectory: nil, jpegQuality: nil, shard: .all,
        force: false)
    }
  }

  @Test func sameStemInTwoFoldersCollidesInOneOutputDirectory() throws {
    let first = try folder(with: ["face.png"])
    let second = try folder(with: ["face.jpg"])
    let out = try folder(with: [])
    #expect(throws: BatchError.self) {
      try BatchPlan(
        inputs: [first.path, second.path], output: nil, outputDirectory: out, jpegQuality: nil,
        shard: .all, force: false)
    }
  }

  @Test func missingInputAndEmptyDirectoryAreNamed() throws {
    #expect(throws: BatchError.inputNotFound(path: "/no/such/photo.jpg")) {
      try BatchPlan(
        inputs: ["/no/such/photo.jpg"], output: nil, outputDirectory: nil, jpegQuality: nil,
        shard: .all, force: false)
    }
    let empty = try folder(with: ["readme.txt"])
    #expect(throws: BatchError.emptyDirectory(path: empty.path)) {
      try BatchPlan(
        inputs: [empty.path], output: nil, outputDirectory: nil, jpegQuality: nil, shard: .all,
        force: false)
    }
  }
}
