import FaceTestSupport
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `advcli attack` through the built binary, on arguments and output paths it must refuse before
/// any attack runs: the exit status, the one line that says why, and nothing written.
@Suite struct AttackCommandOutputTests {
  static let sharon = SharedData.url("data/seed/sharon_stone1.jpg").path

  /// The names in `folder`, recursively, sorted.
  static func contents(of folder: URL) throws -> [String] {
    try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted()
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "usageErrorsExit64AndWriteNothing")))
  func usageErrorsExit64AndWriteNothing() throws {
    let (folder, photos) = try AttackCommandTests.folderWithTwoPhotos()
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("out.png").path
    let cases: [([String], String)] = [
      (
        [Self.sharon, "-o", folder.path + "/out.jpg"],
        "\(folder.path)/out.jpg: JPEG output is lossy and would undo the perturbation; write a "
          + ".png, or pass --jpeg-quality Q to make the attack survive JPEG at quality Q"
      ),
      (
        [Self.sharon, "-o", folder.path + "/out.gif"],
        "\(folder.path)/out.gif: the output must end in .png (or .jpg/.jpeg with --jpeg-quality)"
      ),
      // A folder of two photos and one output file: found when the folder is listed.
      (
        [photos.path, "-o", out], "\(out): one output file for 2 images; use --out-dir for several"
      ),
      (
        [Self.sharon, "-o", out, "--eps", "256"],
        "--eps must be at most 255 levels (the whole 0...255 range) for linf, got 256.0 instead"
      ),
      (
        [Self.sharon, "-o", out, "--eps", "300/255"],
        "--eps must be at most 255 levels (the whole 0...255 range) for linf, got 300.0 instead"
      ),
      (
        [Self.sharon, "-o", out, "--eps", "-3"],
        "--eps must be greater than or equal to 0, got -3.0 instead"
      ),
      (
        [Self.sharon, "-o", out, "--steps", "99999"],
        "--steps must be at most 10000, got 99999 instead"
      ),
      (
        [Self.sharon, "-o", out, "--restarts", "500"],
        "--restarts must be at most 100, got 500 instead"
      ),
      (
        [Self.sharon, "-o", out, "--eot", "1000000000000"],
        "--eot must be at most 100, got 1000000000000"
      ),
      (
        [Self.sharon, "-o", out, "--norm", "l2"],
        "an L2 attack needs --eps (the Euclidean norm of the perturbation in pixel levels of "
          + "0...255); there is no default"
      ),
    ]
    let before = try Self.contents(of: folder)
    for (arguments, message) in cases {
      let result = try AdvCLIProcess.run(["attack"] + arguments + AttackCommandTests.slimModel)
      #expect(result.status == 64, "\(arguments): \(result.standardError)")
      #expect(result.standardOutput.isEmpty)
      #expect(
        result.standardError.split(separator: "\n").first.map(String.init) == "Error: \(message)",
        "\(result.standardError)")
      #expect(try Self.contents(of: folder) == before)
    }
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "outputPathsAreCheckedBeforeTheAttack")))
  func outputPathsAreCheckedBeforeTheAttack() throws {
    let folder = try AttackCommandTests.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = { (name: String) in folder.appendingPathComponent(name).path }
    try FileManager.default.createDirectory(
      atPath: path("taken.png"), withIntermediateDirectories: false)
    #expect(mkfifo(path("fifo.png"), 0o600) == 0)
    try Data("text".utf8).write(to: URL(fileURLWithPath: path("file.txt")))
    let out = path("out.png")
    let cases: [([String], String)] = [
      (
        ["-o", out, "--summary", path("missing/s.jsonl")],
        "\(path("missing/s.jsonl")): cannot write there: the folder \(path("missing")) does not "
          + "exist"
      ),
      (
        ["-o", out, "--report", path("missing/r.png")],
        "\(path("missing/r.png")): cannot write there: the folder \(path("missing")) does not "
          + "exist"
      ),
      (["-o", path("taken.png")], "\(path("taken.png")): cannot write there: it is a folder"),
      (
        ["-o", path("fifo.png")],
        "\(path("fifo.png")): cannot write there: it is not a regular file (a device, FIFO or "
          + "socket)"
      ),
      (
        ["--out-dir", path("file.txt/adv")],
        "\(path("file.txt/adv/sharon_stone1.adv.png")): cannot write there: "
          + "\(path("file.txt")) is not a folder"
      ),
    ]
    let before = try Self.contents(of: folder)
    for (arguments, message) in cases {
      let result = try AdvCLIProcess.run(
        ["attack", Self.sharon] + arguments + AttackCommandTests.slimModel)
      #expect(result.status == 2, "\(arguments): \(result.standardError)")
      #expect(result.standardOutput.isEmpty)
      #expect(result.standardError == "advcli: \(message)\n")
      #expect(try Self.contents(of: folder) == before)
    }

    // An --out-dir this run creates is removed again when every photo was bad.
    let broken = path("file.txt")
    let result = try AdvCLIProcess.run(
      ["attack", broken, "--out-dir", path("new/adv")] + AttackCommandTests.slimModel)
    #expect(result.status == 2)
    #expect(result.standardError.hasPrefix("advcli: \(broken): "))
    #expect(try Self.contents(of: folder) == before)
  }
}
