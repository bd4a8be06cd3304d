/// The two quantization tables libjpeg writes for a quality setting.
///
/// Exactly what libjpeg(-turbo)'s `jpeg_set_quality(cinfo, quality, force_baseline: TRUE)` puts
/// in a file (Pillow's `save(quality:)` and the project's encoder call it): the IJG example tables
/// of ITU-T T.81 Annex K scaled by `s = quality < 50 ? 5000 / quality : 200 − 2·quality` percent,
/// each entry `(base · s + 50) / 100` in integer arithmetic, clamped to 1...255.
/// Quality 50 gives the base tables, quality 100 all ones.
///
/// Entries are in natural row-major order (`[u · 8 + v]`, u the vertical and v the horizontal
/// frequency), not the zigzag order of the file's DQT segment.
public struct JPEGQuantizationTables: Sendable, Equatable {
  /// The quality the tables were made for, 1...100.
  public let quality: Int
  /// The table of the Y component: 64 divisors, row-major.
  public let luminance: [Int]
  /// The table of the Cb and Cr components: 64 divisors, row-major.
  public let chrominance: [Int]

  /// The tables libjpeg uses at `quality`.
  /// - Precondition: `quality` is in 1...100.
  public init(quality: Int) {
    precondition(
      (1...100).contains(quality),
      "[JPEGQuantizationTables] quality must be 1...100, got \(quality)")
    self.quality = quality
    let scale = quality < 50 ? 5000 / quality : 200 - 2 * quality
    luminance = Self.baseLuminance.map { Self.scaledEntry($0, scale: scale) }
    chrominance = Self.baseChrominance.map { Self.scaledEntry($0, scale: scale) }
  }

  /// `jpeg_add_quant_table`'s rule with `force_baseline`: percent scaling, rounded, 1...255.
  private static func scaledEntry(_ base: Int, scale: Int) -> Int {
    min(max((base * scale + 50) / 100, 1), 255)
  }

  /// The IJG luminance table (ITU-T T.81 Table K.1; libjpeg `std_luminance_quant_tbl`).
  static let baseLuminance: [Int] = [
    16, 11, 10, 16, 24, 40, 51, 61,
    12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77,
    24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101,
    72, 92, 95, 98, 112, 100, 103, 99,
  ]

  /// The IJG chrominance table (ITU-T T.81 Table K.2; libjpeg `std_chrominance_quant_tbl`).
  static let baseChrominance: [Int] = [
    17, 18, 24, 47, 99, 99, 99, 99,
    18, 21, 26, 66, 99, 99, 99, 99,
    24, 26, 56, 99, 99, 99, 99, 99,
    47, 66, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
  ]
}
