import FaceTestSupport
import Foundation
import Testing

@testable import advcli

/// A file name beginning with `-` is a file only after `--`; before it, it is an unknown option
/// (a usage error naming it), never a run of short flags that prints the help.
@Suite struct DashArgumentsTests {
  @Test func unknownOptionsAreNamedAndNegativeNumbersAreValues() {
    #expect(
      DashArguments.error(in: ["detect", "-dash.jpg"])?.message
        == "unknown option '-dash.jpg'; a file whose name begins with '-' goes after '--' "
        + "(advcli detect [options] -- -dash.jpg)")
    #expect(DashArguments.error(in: ["attack", "a.png", "-ofoo.png"]) != nil)
    let accepted: [[String]] = [
      ["detect", "--", "-dash.jpg"], ["attack", "a.png", "--eps", "-3", "--step", "-.5"],
      ["attack", "a.png", "--eps", "-8/255", "-o", "x.png"], ["detect", "-h"],
      ["detect", "a.jpg", "--thresholds", "-0.1,0.5,0.5"],
      ["detect", "a.jpg", "--scale-factor=-1"],
    ]
    for arguments in accepted { #expect(DashArguments.error(in: arguments) == nil, "\(arguments)") }
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "aDashFileIsAFileOnlyAfterTheSeparator")))
  func aDashFileIsAFileOnlyAfterTheSeparator() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("advcli-dash-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.copyItem(
      at: SharedData.url("data/faces/ivan.jpg"), to: folder.appendingPathComponent("-dash.jpg"))

    for name in ["-dash.jpg", "-x.jpg"] {
      let refused = try AdvCLIProcess.run(["detect", name], in: folder)
      #expect(refused.status == 64, "\(refused.standardError)")
      #expect(refused.standardOutput.isEmpty)
      #expect(
        refused.standardError.split(separator: "\n").first.map(String.init)
          == "Error: unknown option '\(name)'; a file whose name begins with '-' goes after '--' "
          + "(advcli detect [options] -- \(name))")
    }
    let accepted = try AdvCLIProcess.run(["detect", "--", "-dash.jpg"], in: folder)
    #expect(accepted.status == 0, "\(accepted.standardError)")
    #expect(accepted.standardOutput.hasPrefix("-dash.jpg: 561x561, 2 faces\n"))
  }
}
