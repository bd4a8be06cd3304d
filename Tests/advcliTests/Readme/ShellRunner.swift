import Foundation
import Testing

/// Runs README commands with bash in a scratch folder, with the binaries of this build.
struct ShellRunner {
  /// The folder commands run in: it holds a link `Examples` to the package's `Examples`, so the
  /// README's photo paths work, and receives every file the commands write.
  let folder: URL
  /// The folder of this build's executables (`advcli`, the examples), next to the test bundle.
  let binaries: URL

  /// A runner in a new scratch folder linked to `packageRoot/Examples`.
  init(packageRoot: URL, binaries: URL) throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "readme-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      at: folder.appendingPathComponent("Examples"),
      withDestinationURL: packageRoot.appendingPathComponent("Examples"))
    self.binaries = binaries
  }

  /// `command` with `.build/release/` (where the README's builds leave the binaries) replaced
  /// by the folder of the binaries under test.
  func mapped(_ command: String) -> String {
    command.replacingOccurrences(of: ".build/release/", with: binaries.path + "/")
  }

  /// Runs `bash -c command` (after `mapped(_:)`) in `folder`; returns the exit status and what
  /// it printed.
  ///
  /// The output goes through files: reading a pipe with Foundation can trap on an interrupted
  /// system call, and a full pipe could block the child.
  func run(_ command: String) throws -> (
    status: Int32, standardOutput: String, standardError: String
  ) {
    let outputURL = folder.appendingPathComponent(".stdout")
    let errorURL = folder.appendingPathComponent(".stderr")
    try Data().write(to: outputURL)
    try Data().write(to: errorURL)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", mapped(command)]
    process.currentDirectoryURL = folder
    process.standardOutput = try FileHandle(forWritingTo: outputURL)
    process.standardError = try FileHandle(forWritingTo: errorURL)
    try process.run()
    process.waitUntilExit()
    return (
      process.terminationStatus, try String(contentsOf: outputURL, encoding: .utf8),
      try String(contentsOf: errorURL, encoding: .utf8)
    )
  }

  /// Removes the scratch folder.
  func remove() {
    try? FileManager.default.removeItem(at: folder)
  }
}
