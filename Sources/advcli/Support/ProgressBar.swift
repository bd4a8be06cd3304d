import Foundation

/// A one-line progress bar redrawn in place on standard error, drawn only when standard error is a
/// terminal (and not when quiet); otherwise every call does nothing.
final class ProgressBar: @unchecked Sendable {
  private let label: String
  private let enabled: Bool
  private let lock = NSLock()
  private var lastDraw = Date.distantPast

  init(label: String, quiet: Bool = false) {
    self.label = label
    self.enabled = !quiet && StandardError.isTerminal
  }

  /// Redraws the bar for `fraction` (0...1, or nil when the total is unknown) with a trailing note;
  /// at most ten redraws a second unless `force`.
  func update(fraction: Double?, note: String, force: Bool = false) {
    guard enabled else { return }
    lock.withLock {
      let now = Date()
      guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
      lastDraw = now
      let width = 30
      let bar: String
      if let fraction {
        let filled = Int((min(max(fraction, 0), 1) * Double(width)).rounded())
        bar =
          "[" + String(repeating: "#", count: filled)
          + String(repeating: ".", count: width - filled) + "]"
      } else {
        bar = "[" + String(repeating: "?", count: width) + "]"
      }
      var standardError = StandardError()
      print("\r\u{1B}[2K\(label) \(bar) \(note)", terminator: "", to: &standardError)
    }
  }

  /// Ends the bar's line.
  func finish() {
    guard enabled else { return }
    var standardError = StandardError()
    print("", to: &standardError)
  }
}
