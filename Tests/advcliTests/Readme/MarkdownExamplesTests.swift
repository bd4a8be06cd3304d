import Testing

/// How the README test reads Markdown and compares output: blocks, commands, skip markers,
/// timings, elision, and the mistakes it reports.
@Suite struct MarkdownExamplesTests {
  let text = """
    # Title

    ```
    make build   # not an example: no `$ ` line
    ```

    <!-- readme-test: skip (needs network) -->

    ```
    $ advcli models fetch labels-v2
    fetched
    ```

    ```swift
    let x = 1
    ```

    ```
    $ advcli detect a.jpg
    a.jpg: 2 faces
      0  box

    $ advcli verify a.jpg b.jpg
    ```
    """

  @Test func blocksCarryTheirLanguageLineAndSkipReason() throws {
    let blocks = try MarkdownExamples.fencedBlocks(in: text)
    #expect(blocks.map(\.line) == [3, 9, 14, 18])
    #expect(blocks.map(\.language) == ["", "", "swift", ""])
    #expect(blocks.map(\.skipReason) == [nil, "needs network", nil, nil])
    #expect(blocks.map(\.isShellExample) == [false, true, false, true])
    #expect(blocks[2].lines == ["let x = 1"])
  }

  @Test func eachCommandOwnsTheLinesUpToTheNext() throws {
    let block = try MarkdownExamples.fencedBlocks(in: text)[3]
    let commands = try MarkdownExamples.commands(in: block)
    #expect(
      commands == [
        ShownCommand(
          line: 19, command: "advcli detect a.jpg", output: ["a.jpg: 2 faces", "  0  box"]),
        ShownCommand(line: 23, command: "advcli verify a.jpg b.jpg", output: []),
      ])
  }

  @Test(arguments: [
    ("```\nopen", MarkdownExampleError(line: 1, problem: "code block not closed")),
    (
      "<!-- readme-test: skip (slow) -->\ntext\n```\n$ x\n```",
      MarkdownExampleError(line: 1, problem: "a skip marker must be followed by a code block")
    ),
    (
      "text\n<!-- readme-test: skip (slow) -->",
      MarkdownExampleError(line: 2, problem: "a skip marker must be followed by a code block")
    ),
  ])
  func malformedMarkdownIsReportedWithItsLine(_ markdown: String, error: MarkdownExampleError) {
    #expect(throws: error) { try MarkdownExamples.fencedBlocks(in: markdown) }
  }

  @Test func outputBeforeTheFirstCommandIsAnError() throws {
    let block = try MarkdownExamples.fencedBlocks(in: "```\nstray\n$ x\n```")[0]
    #expect(throws: MarkdownExampleError(line: 2, problem: "output shown before any `$ ` command"))
    {
      try MarkdownExamples.commands(in: block)
    }
  }

  @Test func onlyTimingsAreMasked() {
    #expect(
      ShownOutput.normalized("PGD, 4 steps, 1.0 s; 35 ms; Linf 8 levels, PSNR 33.9 dB  ")
        == "PGD, 4 steps, <time>; <time>; Linf 8 levels, PSNR 33.9 dB")
    #expect(ShownOutput.matches(shown: ["took 1.0 s"], actual: "took 12.75 s\n"))
    #expect(!ShownOutput.matches(shown: ["took 1.0 s"], actual: "took 1.0 dB\n"))
  }

  @Test func decimalsMatchWithinTheirLastDigitAndIntegersExactly() {
    let shown = ["distance 0.887071 > threshold 0.6: 2 faces, box [348, 120, 302, 302]"]
    #expect(ShownOutput.matches(shown: shown, actual: shown[0] + "\n\n"))
    #expect(
      ShownOutput.matches(
        shown: shown, actual: "distance 0.887070 > threshold 0.6: 2 faces, box [348, 120, 302, 302]"
      ))
    #expect(
      !ShownOutput.matches(
        shown: shown, actual: "distance 0.887069 > threshold 0.6: 2 faces, box [348, 120, 302, 302]"
      ))
    #expect(
      !ShownOutput.matches(
        shown: shown, actual: "distance 0.887071 > threshold 0.6: 3 faces, box [348, 120, 302, 302]"
      ))
    #expect(
      !ShownOutput.matches(
        shown: shown, actual: "distance 0.887071 > threshold 0.6: 2 faces, box [348, 121, 302, 302]"
      ))
    #expect(ShownOutput.lineMatches(shown: "-0.1148", actual: "-0.1149"))
    #expect(!ShownOutput.lineMatches(shown: "-0.1148", actual: "0.1148"))
  }

  @Test func everyOtherDifferenceFails() {
    let shown = ["success: distance 0.000 -> 0.650 (different person)"]
    #expect(
      !ShownOutput.matches(
        shown: shown, actual: "failure: distance 0.000 -> 0.650 (different person)"))
    #expect(!ShownOutput.matches(shown: shown, actual: "success: distance 0.000 -> 0.650\n"))
    #expect(!ShownOutput.matches(shown: shown, actual: shown[0] + "\nmore\n"))
    #expect(!ShownOutput.matches(shown: shown, actual: ""))
    #expect(!ShownOutput.matches(shown: [], actual: "anything\n"))
  }

  @Test func anEllipsisLineStandsForAnyRunOfLines() {
    let shown = ["head", "...", "tail"]
    #expect(ShownOutput.matches(shown: shown, actual: "head\ntail\n"))
    #expect(ShownOutput.matches(shown: shown, actual: "head\n1\n2\n3\ntail\n"))
    #expect(!ShownOutput.matches(shown: shown, actual: "head\n1\n"))
    #expect(!ShownOutput.matches(shown: shown, actual: "1\nhead\ntail\n"))
  }
}
