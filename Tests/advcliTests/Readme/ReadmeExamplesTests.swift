import FaceTestSupport
import Foundation
import Testing

/// The README runs as written: its shell examples print what it shows, its Swift snippets are
/// the compiled examples' code, and it needs nothing outside the repository.
@Suite struct ReadmeExamplesTests {
  let root = SharedData.packageRoot

  /// The README's shell examples exit 0 and print the output shown.
  ///
  /// Every shell-example block not marked `readme-test: skip` runs with this build's binaries in
  /// a scratch folder; output is compared by `ShownOutput` (timings masked, decimals to their
  /// last digit, `...` elides). Prints how many blocks were skipped and why.
  @Test func shellExamplesPrintWhatTheReadmeShows() throws {
    try #require(AdvCLIProcess.isBuilt, "build the CLI first: \(AdvCLIProcess.binary.path)")
    try AdvCLIProcess.requireDlibModels()
    let blocks = try readmeBlocks().filter(\.isShellExample)
    let (skipped, run) = (
      blocks.filter { $0.skipReason != nil }, blocks.filter { $0.skipReason == nil }
    )
    try #require(!run.isEmpty, "README.md has no shell example to run")

    let shell = try ShellRunner(
      packageRoot: root, binaries: AdvCLIProcess.binary.deletingLastPathComponent())
    defer { shell.remove() }
    var commandCount = 0
    for block in run {
      for shown in try MarkdownExamples.commands(in: block) {
        let place = "README.md line \(shown.line): `\(shown.command)`"
        let program = shown.command.split(separator: " ").first ?? ""
        guard program != "make" && program != "swift" else {
          Issue.record("\(place) builds inside the test: mark its block readme-test: skip")
          continue
        }
        let result = try shell.run(shown.command)
        commandCount += 1
        #expect(result.status == 0, "\(place) exited \(result.status): \(result.standardError)")
        #expect(
          ShownOutput.matches(shown: shown.output, actual: result.standardOutput),
          """
          \(place) printed
          \(result.standardOutput)
          but the README shows
          \(shown.output.joined(separator: "\n"))
          """)
      }
    }
    let reasons = skipped.map { "line \($0.line) (\($0.skipReason ?? ""))" }
    print(
      "README: ran \(commandCount) commands of \(run.count) blocks; skipped \(skipped.count) blocks"
        + (reasons.isEmpty ? "" : ": " + reasons.joined(separator: ", ")))
  }

  /// The Swift blocks of the README and of the DocC articles are copied from the examples.
  ///
  /// Each is a run of lines of an `Examples/*/main.swift` (compared with leading and trailing
  /// spaces dropped), so what readers copy compiles. A block marked `readme-test: skip` (a
  /// manifest fragment) is exempt.
  @Test func swiftSnippetsAreCopiedFromTheExamples() throws {
    let examples = try exampleSources()
    try #require(examples.count >= 3, "Examples/*/main.swift not found under \(root.path)")
    var documents = [root.appendingPathComponent("README.md")]
    for library in ["FaceTensor", "FaceNets", "Adversary", "FacePipeline"] {
      documents.append(
        root.appendingPathComponent("Sources/\(library)/\(library).docc/\(library).md"))
    }
    var snippetCount = 0
    for document in documents {
      let text = try String(contentsOf: document, encoding: .utf8)
      for block in try MarkdownExamples.fencedBlocks(in: text)
      where block.language == "swift" && block.skipReason == nil {
        snippetCount += 1
        let snippet = trimmedLines(block.lines.joined(separator: "\n"))
        #expect(
          examples.contains { $0.contains(snippet) },
          "\(document.lastPathComponent) line \(block.line): Swift block not found in Examples/")
      }
    }
    #expect(snippetCount >= 3, "expected the README and articles to quote the examples")
  }

  /// The README's examples use the photos that ship in `Examples/photos`, not the project's
  /// shared data folder a clone does not have.
  @Test func noCodeBlockNeedsTheSharedFolder() throws {
    for block in try readmeBlocks() {
      #expect(
        !block.lines.contains { $0.contains("../shared") },
        "README.md line \(block.line): a code block refers to ../shared")
    }
  }

  // MARK: - Helpers

  private func readmeBlocks() throws -> [FencedBlock] {
    let text = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    return try MarkdownExamples.fencedBlocks(in: text)
  }

  /// The text of every `Examples/*/main.swift`, through `trimmedLines`.
  private func exampleSources() throws -> [String] {
    let folder = root.appendingPathComponent("Examples")
    return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().compactMap {
      let file = folder.appendingPathComponent("\($0)/main.swift")
      guard FileManager.default.fileExists(atPath: file.path) else { return nil }
      return trimmedLines(try String(contentsOf: file, encoding: .utf8))
    }
  }

  /// `text` with each line's leading and trailing spaces dropped, lines joined by newlines and
  /// wrapped in newlines, so that `contains` matches whole lines only.
  private func trimmedLines(_ text: String) -> String {
    "\n"
      + text.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      .joined(separator: "\n") + "\n"
  }
}
