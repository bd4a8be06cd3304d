/// The settings of dlib's `loss_mmod_` that detection uses, read from its `mmod_options` block.
struct DlibMMODOptions {
  /// The largest window side accepted, in pixels (the published window is 80 x 80).
  static let maxWindowSide: Int64 = 4096

  /// The one detection window.
  let window: DlibMMODWindow
  /// Non-maximum suppression's intersection-over-union threshold.
  let nmsIoUThreshold: Double
  /// Non-maximum suppression's covered-fraction threshold.
  let nmsCoveredThreshold: Double

  /// Reads an `mmod_options` block, versions 1 to 4.
  ///
  /// Layout: the version; for version 1 the window's width and height, for later versions a
  /// vector of windows (each: its version 1 or 2, width, height and, for version 2, a label),
  /// of which this port accepts exactly one; the doubles `loss_per_false_alarm`,
  /// `loss_per_missed_target` and `truth_match_iou_threshold` (training only, checked finite);
  /// `overlaps_nms` and `overlaps_ignore` (each an IoU threshold then a covered-fraction
  /// threshold, in 0...1); from version 3 `assume_image_pyramid` (one raw byte, must be 1 =
  /// yes); in version 4 `use_bounding_box_regression` (must be off) and `bbr_lambda`.
  /// - Throws: `DlibFormatError` at the first field that differs, `unexpectedValue` naming the
  ///   count for a vector of windows that does not hold exactly one.
  init(from decoder: inout DlibDecoder) throws(DlibFormatError) {
    let version = try decoder.readInteger("mmod_options version", in: 1...4)
    if version == 1 {
      window = try Self.readWindowSize(from: &decoder)
    } else {
      let countStart = decoder.offset
      let count = try decoder.readInteger("mmod_options detector window count")
      guard count == 1 else {
        throw DlibFormatError.unexpectedValue(
          file: decoder.fileName, offset: countStart, field: "mmod_options detector window count",
          expected: "= 1 (this port supports one detector window)", found: "\(count)")
      }
      let windowVersion = try decoder.readInteger("detector window version", in: 1...2)
      window = try Self.readWindowSize(from: &decoder)
      if windowVersion == 2 {
        _ = try decoder.readString("detector window label", maxLength: 1024)
      }
    }
    for field in ["loss_per_false_alarm", "loss_per_missed_target", "truth_match_iou_threshold"] {
      _ = try decoder.readFiniteDouble("mmod_options \(field)")
    }
    nmsIoUThreshold = try Self.readFraction("mmod_options overlaps_nms iou", from: &decoder)
    nmsCoveredThreshold = try Self.readFraction(
      "mmod_options overlaps_nms percent_covered", from: &decoder)
    _ = try Self.readFraction("mmod_options overlaps_ignore iou", from: &decoder)
    _ = try Self.readFraction("mmod_options overlaps_ignore percent_covered", from: &decoder)
    if version >= 3 {
      let start = decoder.offset
      let pyramid = try decoder.readByte("mmod_options assume_image_pyramid")
      guard pyramid == 1 else {
        throw DlibFormatError.unexpectedValue(
          file: decoder.fileName, offset: start, field: "mmod_options assume_image_pyramid",
          expected: "byte 1 (yes: the network scans an image pyramid)", found: "byte \(pyramid)")
      }
    }
    if version == 4 {
      let start = decoder.offset
      if try decoder.readBool("mmod_options use_bounding_box_regression") {
        throw DlibFormatError.unexpectedValue(
          file: decoder.fileName, offset: start,
          field: "mmod_options use_bounding_box_regression",
          expected: "'0' (bounding-box regression is not supported)", found: "'1'")
      }
      _ = try decoder.readFiniteDouble("mmod_options bbr_lambda")
    }
  }

  /// Reads a window's width, then its height, each in `1...maxWindowSide`.
  private static func readWindowSize(from decoder: inout DlibDecoder) throws(DlibFormatError)
    -> DlibMMODWindow
  {
    let sides = 1...maxWindowSide
    let width = try decoder.readInteger("detector window width", in: sides)
    let height = try decoder.readInteger("detector window height", in: sides)
    return DlibMMODWindow(width: width, height: height)
  }

  /// Reads a double that must lie in 0...1 (an overlap threshold).
  private static func readFraction(_ what: String, from decoder: inout DlibDecoder)
    throws(DlibFormatError) -> Double
  {
    let start = decoder.offset
    let value = try decoder.readFiniteDouble(what)
    guard (0...1).contains(value) else {
      throw DlibFormatError.unexpectedValue(
        file: decoder.fileName, offset: start, field: what, expected: "in 0...1",
        found: "\(value)")
    }
    return value
  }
}
