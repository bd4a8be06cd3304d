import FaceTestSupport
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// SIGINT and SIGTERM stop `advcli attack` with 130 and 143 and leave no partial output.
///
/// One line says so, and no temporary file is left. The signal is sent once the first progress bar is drawn (standard
/// error is a terminal), while the attack runs.
@Suite struct SignalCleanupTests {
  /// A slow attack on the slim classifier: many steps, no early stop.
  static let slow = ["--steps", "10000", "--no-early-stop"] + AttackCommandTests.slimModel

  /// The names in `folder`, recursively, sorted.
  static func contents(of folder: URL) throws -> [String] {
    try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted()
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "interruptingAnAttackLeavesNothing")))
  func interruptingAnAttackLeavesNothing() throws {
    let folder = try AttackCommandTests.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = SharedData.url("data/seed/sharon_stone1.jpg").path
    let output = folder.appendingPathComponent("sharon.adv.png")
    let run = try TerminalProcess(
      ["attack", input, "-o", output.path, "--report", folder.path + "/r.html"] + Self.slow)
    #expect(
      run.waitForStandardError(containing: "sharon_stone1.jpg [", timeout: 300),
      "no progress bar: \(run.standardError)")
    #expect(run.stop(with: SIGINT) == 130)
    let lines = run.standardError.components(separatedBy: "\n").filter { !$0.isEmpty }
    #expect(lines.last?.hasSuffix("advcli: interrupted (SIGINT); no partial output left") == true)
    #expect(run.standardOutput.isEmpty)
    #expect(try Self.contents(of: folder).isEmpty)
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "terminatingABatchKeepsFinishedOutputsWhole")))
  func terminatingABatchKeepsFinishedOutputsWhole() throws {
    let (folder, photos) = try AttackCommandTests.folderWithTwoPhotos()
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("out")
    // A first, quick run writes both outputs.
    let quick = try AdvCLIProcess.run(
      ["attack", photos.path, "--out-dir", out.path, "--eps", "0.01", "--steps", "2", "--quiet"]
        + AttackCommandTests.slimModel)
    #expect(quick.status == 1, "\(quick.standardError)")
    let finished = try Self.contents(of: out)
    #expect(finished == ["faceSharon.adv.png", "sharon_stone1.adv.png"])
    let bytes = try finished.map { try Data(contentsOf: out.appendingPathComponent($0)) }

    // A slow re-run of both is terminated during the first attack: the outputs stay as they were.
    let run = try TerminalProcess(
      [
        "attack", photos.path, "--out-dir", out.path, "--force", "--summary",
        folder.path + "/summary.jsonl",
      ] + Self.slow)
    #expect(
      run.waitForStandardError(containing: "faceSharon.png [", timeout: 300),
      "no progress bar: \(run.standardError)")
    #expect(run.stop(with: SIGTERM) == 143)
    #expect(run.standardError.hasSuffix("advcli: terminated (SIGTERM); no partial output left\n"))
    #expect(try Self.contents(of: out) == finished)
    #expect(try finished.map { try Data(contentsOf: out.appendingPathComponent($0)) } == bytes)
    #expect(try Self.contents(of: folder).filter { $0.hasSuffix(".tmp") }.isEmpty)
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/summary.jsonl"))
  }
}
