import Foundation

/// Number formatting shared by the report's strings (POSIX style: "." as decimal separator).
enum ReportNumberFormat {
  /// `value` with exactly `decimals` decimals, such as `fixed(12.345, decimals: 1)` = `"12.3"`.
  static func fixed(_ value: Double, decimals: Int) -> String {
    String(format: "%.\(decimals)f", locale: Locale(identifier: "en_US_POSIX"), value)
  }

  /// `value` with at most two decimals and no trailing zeros: 8 -> "8", 2.5 -> "2.5",
  /// 0.125 -> "0.13".
  static func compact(_ value: Double) -> String {
    var text = fixed(value, decimals: 2)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
  }
}
