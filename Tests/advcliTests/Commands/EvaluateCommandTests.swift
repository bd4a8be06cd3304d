import FacePipeline
import FaceTestSupport
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `advcli evaluate` on two shared photos with dlib: one grid run unsharded, as three shard
/// processes at once in one folder (then merged), and killed mid-run then resumed; the three
/// summaries must agree in everything but timing.
@Suite(.serialized)
struct EvaluateCommandTests {
  static var photos: [String] {
    ["data/faces/obama.jpg", "data/seed/sharon_stone1.jpg"].map { SharedData.url($0).path }
  }

  /// 2 photos x 2 methods x 2 budgets: 8 cells.
  static func arguments(folder: URL, extra: [String] = []) -> [String] {
    ["evaluate"] + photos + [
      "--dodge", "--methods", "fgsm,pgd", "--eps", "2,8", "--steps", "5", "--seed", "3",
      "--out-dir", folder.path, "--quiet",
    ] + extra
  }

  static func temporaryFolder() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent(
      "evaluate-\(UUID().uuidString)", isDirectory: true)
  }

  /// `summary.json` of `folder` without the timing fields.
  static func summary(of folder: URL) throws -> [String: Any] {
    let data = try Data(contentsOf: folder.appendingPathComponent("summary.json"))
    var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let rows = try #require(object["rows"] as? [[String: Any]])
    object["rows"] = rows.map { $0.filter { $0.key != "median_seconds" } }
    return object
  }

  static func lines(of file: URL) throws -> [String] {
    try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
  }

  @Test(
    .enabled(if: SharedData.isAvailable(for: "oneGridThreeWaysGivesOneSummary"), "needs ../shared"))
  func oneGridThreeWaysGivesOneSummary() throws {
    try AdvCLIProcess.requireDlibModels()
    // Unsharded.
    let whole = Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: whole) }
    let run = try AdvCLIProcess.run(Self.arguments(folder: whole))
    #expect(run.status == 0, "\(run.standardError)")
    #expect(try Self.lines(of: whole.appendingPathComponent("cells.jsonl")).count == 8)
    #expect(run.standardOutput.contains("8 of 8 cells done"))
    let expected = NSDictionary(dictionary: try Self.summary(of: whole))
    let html = try String(
      contentsOf: whole.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.components(separatedBy: "<svg").count == 4)

    // Three shards started at once in one folder, then merged.
    let sharded = Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: sharded) }
    let processes = try (1...3).map { k in
      let process = Process()
      process.executableURL = AdvCLIProcess.binary
      process.arguments = Self.arguments(folder: sharded, extra: ["--shard", "\(k)/3"])
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      return process
    }
    for process in processes { process.waitUntilExit() }
    #expect(processes.map(\.terminationStatus) == [0, 0, 0])
    let shardLines = try (1...3).map {
      try Self.lines(of: sharded.appendingPathComponent("cells.\($0)-of-3.jsonl")).count
    }
    #expect(shardLines.reduce(0, +) == 8)
    let merge = try AdvCLIProcess.run(["evaluate", "report", sharded.path])
    #expect(merge.status == 0, "\(merge.standardError)")
    #expect(NSDictionary(dictionary: try Self.summary(of: sharded)) == expected)

    // Killed after its second cell, then resumed: the remaining cells only.
    let resumed = Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: resumed) }
    let killed = Process()
    killed.executableURL = AdvCLIProcess.binary
    killed.arguments = Self.arguments(folder: resumed)
    killed.standardOutput = FileHandle.nullDevice
    killed.standardError = FileHandle.nullDevice
    try killed.run()
    let cells = resumed.appendingPathComponent("cells.jsonl")
    let deadline = Date().addingTimeInterval(300)
    while Date() < deadline && killed.isRunning && ((try? Self.lines(of: cells).count) ?? 0) < 2 {
      usleep(20_000)
    }
    kill(killed.processIdentifier, SIGKILL)
    killed.waitUntilExit()
    let before = try Self.lines(of: cells).count
    #expect((2..<8).contains(before), "killed after \(before) cells")
    let again = try AdvCLIProcess.run(Self.arguments(folder: resumed, extra: ["--json"]))
    #expect(again.status == 0, "\(again.standardError)")
    #expect(again.standardOutput.split(separator: "\n").count == 8 - before)
    #expect(NSDictionary(dictionary: try Self.summary(of: resumed)) == expected)
  }

  @Test(
    .enabled(
      if: SharedData.isAvailable(for: "anotherGridInTheSameFolderIsRefused"), "needs ../shared"))
  func anotherGridInTheSameFolderIsRefused() throws {
    try AdvCLIProcess.requireDlibModels()
    let folder = Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let grid = try EvaluationRun(
      photos: Self.photos.map { URL(fileURLWithPath: $0) }, model: .dlibResNet, goal: .dodge,
      methods: [.pgd], epsilons: [4], eotSamples: [0], jpegQuality: nil, steps: 5, seed: 3,
      folder: EvaluationFolder(url: folder)
    ).grid
    try EvaluationFolder(url: folder).claim(for: grid)
    let run = try AdvCLIProcess.run(Self.arguments(folder: folder))
    #expect(run.status == 2)
    #expect(
      run.standardError
        == "advcli: \(folder.path): holds the records of another grid (methods: [\"pgd\"] "
        + "recorded, [\"fgsm\", \"pgd\"] given); use another folder\n")
    #expect(
      !FileManager.default.fileExists(atPath: folder.appendingPathComponent("cells.jsonl").path))
  }
}

/// `advcli evaluate` refuses bad grid options as usage errors (64) naming the option, before
/// reading any photo or writing any folder.
struct EvaluateUsageTests {
  @Test(arguments: [
    (["--methods", "pgd,nope"], "--methods: 'nope' is not a method"),
    (["--eps", "2,x"], "--eps: 'x' is not a pixel amount"),
    (["--eot", "0,-1"], "--eot: '-1' is not a count of 0 or more"),
    (["--dodge", "--shard", "4/3"], "--shard must be K/N with N >= 1 and 1 <= K <= N, got 4/3"),
    (["--dodge", "--impersonate", "b.jpg"], "give one of --dodge and --impersonate PHOTO"),
  ])
  func badGridOptionsAreUsageErrors(arguments: [String], message: String) throws {
    let folder = EvaluateCommandTests.temporaryFolder()
    let result = try AdvCLIProcess.run(
      ["evaluate", "missing.jpg", "--model", "dlib-resnet", "--out-dir", folder.path]
        + arguments)
    #expect(result.status == 64)
    #expect(result.standardError.contains(message), "\(result.standardError)")
    #expect(!FileManager.default.fileExists(atPath: folder.path))
  }
}
