/// An amount of pixel change (`--eps`, `--step`) in **pixel levels** of the 0...255 range, read
/// from the command line.
///
/// Two spellings:
/// - a plain decimal number is a count of levels: `"8"` is 8 levels, `"0.5"` half a level,
///   `"1e1"` 10 levels;
/// - a fraction `a/b` (two decimal numbers) is that fraction **of the full range 0...255**, the
///   convention of the Python libraries whose images lie in 0...1: `"8/255"` is 8 levels,
///   `"1/2"` is 127.5 levels, `"0.03/1"` is 7.65 levels.
///
/// Whitespace around the text and around `/` is ignored. The sign is kept (`"-1"` is -1 level) so
/// that the attack, not the parser, reports a negative epsilon with its rule.
struct PixelAmount: Sendable, Equatable, CustomStringConvertible {
  /// The amount in pixel levels of 0...255.
  let levels: Float

  /// An amount of `levels` pixel levels.
  init(levels: Float) { self.levels = levels }

  /// What a valid amount looks like, for messages.
  static let explanation =
    "give levels of 0...255 (8, 0.5) or a fraction of the full range (8/255)"

  /// Reads a plain number of levels or a fraction `a/b` of the full range (see the type's doc);
  /// nil for text that is neither, a zero denominator, or a value that is not finite.
  init?(parsing text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
      .map { $0.trimmingWhitespace() }
    let value: Double?
    switch parts.count {
    case 1:
      value = Double(parts[0])
    case 2:
      if let numerator = Double(parts[0]), let denominator = Double(parts[1]), denominator != 0 {
        // a * 255 / b, in this order, so that "8/255" is exactly 8.
        value = numerator * 255 / denominator
      } else {
        value = nil
      }
    default:
      value = nil
    }
    guard let value, value.isFinite, Float(value).isFinite else { return nil }
    levels = Float(value)
  }

  /// The amount in levels, such as "8.0 levels".
  var description: String { "\(levels) levels" }
}

extension Substring {
  /// The text without leading and trailing spaces, tabs and newlines.
  fileprivate func trimmingWhitespace() -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    return String(self.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
  }
}
