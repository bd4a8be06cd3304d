import FacePipeline
import FaceTestSupport
import Foundation
import Testing

/// The cluster files under deploy/, checked by Scripts/check_deploy_files.py with python3-yaml.
struct EvaluateDeployTests {
  /// Runs `executable` with `arguments`; its status and standard output.
  static func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    let output = FileManager.default.temporaryDirectory.appendingPathComponent(
      "deploy-\(UUID().uuidString).txt")
    FileManager.default.createFile(atPath: output.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: output) }
    process.standardOutput = try FileHandle(forWritingTo: output)
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return (process.terminationStatus, try String(contentsOf: output, encoding: .utf8))
  }

  @Test func theClusterFilesMapTheirTaskIndexToTheShard() throws {
    let script = SharedData.packageRoot.appendingPathComponent("Scripts/check_deploy_files.py")
    let (status, output) = try Self.run("python3", [script.path, SharedData.packageRoot.path])
    #expect(status == 0, "\(output)")
    #expect(output.split(separator: "\n").count == 12)

    // The check fails on a Job that is not Indexed.
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent(
      "deploy-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: copy) }
    try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: SharedData.packageRoot.appendingPathComponent("deploy"),
      to: copy.appendingPathComponent("deploy"))
    let job = copy.appendingPathComponent("deploy/k8s/evaluate-job.yaml")
    let text = try String(contentsOf: job, encoding: .utf8)
    try text.replacingOccurrences(of: "completionMode: Indexed", with: "completionMode: NonIndexed")
      .write(to: job, atomically: true, encoding: .utf8)
    let (broken, brokenOutput) = try Self.run("python3", [script.path, copy.path])
    #expect(broken == 1)
    #expect(brokenOutput.contains("FAIL k8s: completionMode Indexed"))
  }
}
