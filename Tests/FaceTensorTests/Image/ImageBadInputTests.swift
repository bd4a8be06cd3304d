import FaceTensor
import Foundation
import Testing

/// Inputs that used to decode wrongly or slowly: 16-bit PNGs (clipped to white), progressive
/// JPEGs with thousands of scans or an inconsistent progression, and the harmless "extraneous
/// bytes before marker" that real photos have.
@Suite struct ImageBadInputTests {
  /// `v` scaled from 16 to 8 bits with rounding.
  static func scaled(_ v: UInt16) -> UInt8 { UInt8((Double(v) * 255 / 65_535).rounded()) }

  /// Samples spanning the range, with values whose high byte and rounded scaling differ.
  static let samples16: [UInt16] = [0, 1, 128, 257, 1000, 0x7FFF, 0x8080, 0xC0FF, 0xFF7F, 65_535]

  /// Every 16-bit PNG kind is scaled to 8 bits, `round(v * 255 / 65535)`; alpha is dropped.
  @Test(arguments: [(UInt8(0), 1), (2, 3), (4, 2), (6, 4)])
  func sixteenBitPNGsAreScaledNotClipped(colorType: UInt8, channels: Int) throws {
    let width = Self.samples16.count
    // Pixel x has gray (or red) sample x of `samples16`; green, blue, alpha are rotations.
    var samples: [UInt16] = []
    for x in 0..<width {
      for c in 0..<channels { samples.append(Self.samples16[(x + 3 * c) % width]) }
    }
    let data = CraftedImages.png(
      width: width, height: 1, bitDepth: 16, colorType: colorType, samples: samples)
    let image = try RGBImage(data: data, name: "gray16.png")
    var expected: [UInt8] = []
    for x in 0..<width {
      let pixel = samples[(x * channels)..<((x + 1) * channels)].map(Self.scaled)
      expected += channels >= 3 ? Array(pixel.prefix(3)) : [pixel[0], pixel[0], pixel[0]]
    }
    #expect(image.pixels == expected)
  }

  /// A mid-gray 16-bit photo stays mid-gray (it used to decode as all white).
  @Test func aMidGray16BitPNGIsNotWhite() throws {
    let data = CraftedImages.png(
      width: 4, height: 4, bitDepth: 16, colorType: 0,
      samples: [UInt16](repeating: 0x8000, count: 16))
    let image = try RGBImage(data: data, name: "mid.png")
    #expect(image.pixels == [UInt8](repeating: 128, count: 48))
  }

  @Test func aProgressiveJPEGUnderTheScanLimitDecodes() throws {
    let data = CraftedImages.progressiveJPEG(scans: Array(repeating: .dcFirst, count: 500))
    let image = try RGBImage(data: data, name: "scans.jpg")
    #expect(image.width == 8 && image.height == 8)
    #expect(image.pixels == [UInt8](repeating: 128, count: 8 * 8 * 3))
  }

  /// 20,000 scans: refused at the 501st, in well under a second.
  @Test func aJPEGWithThousandsOfScansIsRefusedAtOnce() throws {
    let data = CraftedImages.progressiveJPEG(scans: Array(repeating: .dcFirst, count: 20_000))
    let clock = ContinuousClock()
    let start = clock.now
    let error = #expect(throws: ImageIOError.self) { try RGBImage(data: data, name: "scans.jpg") }
    #expect(
      error
        == .corrupt(
          file: "scans.jpg", format: .jpeg,
          message: "more than 500 scans (a real JPEG has at most a few dozen)"))
    #expect(clock.now - start < .seconds(2))
  }

  /// A refinement scan of a bit that was never sent is an inconsistent progression: an error at
  /// that scan, not a warning counted after every later scan has been decoded.
  @Test func anInconsistentProgressionIsAnError() throws {
    let scans =
      [CraftedImages.Scan.dcFirst, .dcRefinement(ah: 1)] + Array(repeating: .dcFirst, count: 3)
    let data = CraftedImages.progressiveJPEG(scans: scans)
    let error = #expect(throws: ImageIOError.self) { try RGBImage(data: data, name: "bogus.jpg") }
    guard case .corrupt(_, _, let message)? = error else {
      Issue.record("expected .corrupt, got \(String(describing: error))")
      return
    }
    #expect(message.hasPrefix("Inconsistent progression sequence"), "\(message)")
  }

  /// Stray bytes before a marker (common in real photos) are skipped with a warning that is not
  /// an error: the pixels are those of the clean file.
  @Test func extraneousBytesBeforeAMarkerAreAccepted() throws {
    let photo = RGBImage(
      width: 16, height: 8, pixels: (0..<(16 * 8 * 3)).map { UInt8(truncatingIfNeeded: $0 * 5) })
    let clean = try photo.jpegData(quality: 90)
    // After the first segment (APP0: marker at byte 2, its length at bytes 4-5), before the next
    // marker, where libjpeg counts and skips them.
    let bytes = [UInt8](clean)
    try #require(bytes[2] == 0xFF && bytes[3] == 0xE0)
    let next = 4 + (Int(bytes[4]) << 8 | Int(bytes[5]))
    try #require(bytes[next] == 0xFF)
    var padded = clean
    padded.insert(contentsOf: [0x00, 0x11, 0x22], at: next)
    let decoded = try RGBImage(data: padded, name: "padded.jpg")
    #expect(decoded == (try RGBImage(data: clean, name: "clean.jpg")))
  }
}
