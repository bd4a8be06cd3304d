import Foundation

/// A fenced code block of a Markdown file.
struct FencedBlock: Equatable {
  /// The opening fence's line, from 1.
  let line: Int
  /// The info string after the opening fence (`swift`, or empty).
  let language: String
  /// The lines between the fences.
  let lines: [String]
  /// Why the block is not run, from a `<!-- readme-test: skip (REASON) -->` line just before it
  /// (only blank lines between); nil when it has none.
  let skipReason: String?

  /// Whether the block shows shell examples: at least one of its lines starts with `$ `.
  var isShellExample: Bool { lines.contains { $0.hasPrefix("$ ") } }
}

/// One command of a shell example and the standard output the Markdown shows for it.
struct ShownCommand: Equatable {
  /// The command's line in the file, from 1.
  let line: Int
  /// The command, without its `$ `.
  let command: String
  /// The lines after the command up to the next `$ ` line or the block's end, with blank lines
  /// at the end dropped.
  let output: [String]
}

/// A Markdown file that cannot be read as examples: the line and the problem.
struct MarkdownExampleError: Error, CustomStringConvertible, Equatable {
  let line: Int
  let problem: String

  var description: String { "line \(line): \(problem)" }
}

/// Reads the fenced blocks of Markdown text and the shell examples in them.
///
/// The rules the README follows:
/// - A fenced block (between lines starting with three backticks) is a shell example when one of
///   its lines starts with `$ `. Each `$ ` line is a command; the lines after it, up to the next
///   `$ ` line or the block's end, are its standard output exactly as shown (see `ShownOutput`).
/// - `<!-- readme-test: skip (REASON) -->`, alone on a line just before a block (blank lines
///   between are allowed), marks it as not run.
enum MarkdownExamples {
  /// The fenced blocks of `text`, in order.
  /// - Throws: `MarkdownExampleError` for a fence left open or a skip marker not followed by a
  ///   block.
  static func fencedBlocks(in text: String) throws(MarkdownExampleError) -> [FencedBlock] {
    var blocks: [FencedBlock] = []
    var open: (line: Int, language: String, lines: [String], skipReason: String?)?
    var marker: (line: Int, reason: String)?
    for (index, line) in text.components(separatedBy: "\n").enumerated() {
      let number = index + 1
      if var block = open {
        if line.hasPrefix("```") {
          blocks.append(
            FencedBlock(
              line: block.line, language: block.language, lines: block.lines,
              skipReason: block.skipReason))
          open = nil
        } else {
          block.lines.append(line)
          open = block
        }
      } else if line.hasPrefix("```") {
        let language = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
        open = (number, language, [], marker?.reason)
        marker = nil
      } else if let reason = skipReason(in: line) {
        marker = (number, reason)
      } else if let pending = marker, !line.trimmingCharacters(in: .whitespaces).isEmpty {
        throw MarkdownExampleError(
          line: pending.line, problem: "a skip marker must be followed by a code block")
      }
    }
    if let block = open {
      throw MarkdownExampleError(line: block.line, problem: "code block not closed")
    }
    if let pending = marker {
      throw MarkdownExampleError(
        line: pending.line, problem: "a skip marker must be followed by a code block")
    }
    return blocks
  }

  /// The commands of a shell-example block and the output shown after each.
  /// - Throws: `MarkdownExampleError` when a line before the first command is not blank (output
  ///   without a command).
  static func commands(in block: FencedBlock) throws(MarkdownExampleError) -> [ShownCommand] {
    var commands: [ShownCommand] = []
    var current: (line: Int, command: String, output: [String])?
    for (index, line) in block.lines.enumerated() {
      if line.hasPrefix("$ ") {
        if let done = current { commands.append(finished(done)) }
        current = (block.line + 1 + index, String(line.dropFirst(2)), [])
      } else if current != nil {
        current?.output.append(line)
      } else if !line.trimmingCharacters(in: .whitespaces).isEmpty {
        throw MarkdownExampleError(
          line: block.line + 1 + index, problem: "output shown before any `$ ` command")
      }
    }
    if let done = current { commands.append(finished(done)) }
    return commands
  }

  /// The reason of a `<!-- readme-test: skip (REASON) -->` line, or nil for any other line.
  static func skipReason(in line: String) -> String? {
    let pattern = #/^<!-- readme-test: skip \((.+)\) -->\s*$/#
    return line.wholeMatch(of: pattern).map { String($0.output.1) }
  }

  private static func finished(_ command: (line: Int, command: String, output: [String]))
    -> ShownCommand
  {
    var output = command.output
    while let last = output.last, last.trimmingCharacters(in: .whitespaces).isEmpty {
      output.removeLast()
    }
    return ShownCommand(line: command.line, command: command.command, output: output)
  }
}

/// How a command's standard output is compared with the output a Markdown file shows.
///
/// Line by line, after dropping trailing whitespace and blank lines at the end:
/// - timings are masked: a number followed by ` s` or ` ms` (`1.0 s`, `35 ms`) matches any other;
/// - a number with decimals matches within one unit of its last shown digit (`0.887071` matches
///   `0.887070`: float sums in another order), an integer (a count, a pixel box) only itself;
/// - a shown line that is exactly `...` stands for any number of lines, none included;
/// - everything else (words, names, punctuation) must be printed exactly as shown.
enum ShownOutput {
  /// `line` without trailing whitespace, each timing replaced by `<time>`.
  static func normalized(_ line: String) -> String {
    var trimmed = Substring(line)
    while let last = trimmed.last, last.isWhitespace { trimmed.removeLast() }
    return String(trimmed).replacing(#/\d+(?:\.\d+)? m?s\b/#, with: "<time>")
  }

  /// Whether the `actual` standard output matches the `shown` lines.
  static func matches(shown: [String], actual: String) -> Bool {
    var lines = actual.components(separatedBy: "\n").map(normalized)
    while lines.last?.isEmpty == true { lines.removeLast() }
    return matches(shown.map(normalized)[...], lines[...])
  }

  /// Whether one printed line matches one shown line (both normalized): the same text between
  /// the numbers, and each number within the shown number's last digit.
  static func lineMatches(shown: String, actual: String) -> Bool {
    let number = #/-?\d+(?:\.\d+)?/#
    guard shown.replacing(number, with: "#") == actual.replacing(number, with: "#") else {
      return false
    }
    let shownNumbers = shown.matches(of: number).map { String($0.output) }
    let actualNumbers = actual.matches(of: number).map { String($0.output) }
    return zip(shownNumbers, actualNumbers).allSatisfy { shown, actual in
      guard let point = shown.firstIndex(of: ".") else { return shown == actual }
      let decimals = shown.distance(from: point, to: shown.endIndex) - 1
      guard let x = Double(shown), let y = Double(actual) else { return false }
      return abs(x - y) <= 1.000_001 * pow(10, -Double(decimals))
    }
  }

  /// Matching with `...` as "any run of lines": tries every length of the run.
  private static func matches(_ shown: ArraySlice<String>, _ lines: ArraySlice<String>) -> Bool {
    guard let first = shown.first else { return lines.isEmpty }
    if first == "..." {
      return (lines.startIndex...lines.endIndex).contains {
        matches(shown.dropFirst(), lines[$0...])
      }
    }
    guard let line = lines.first, lineMatches(shown: first, actual: line) else { return false }
    return matches(shown.dropFirst(), lines.dropFirst())
  }
}
