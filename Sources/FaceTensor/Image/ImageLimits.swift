/// The largest image a decoder accepts.
///
/// The decoders read the header first and refuse a larger declared size before allocating any
/// pixel memory, so a small file that declares a huge image (a "decompression bomb") costs
/// nothing.
public struct ImageLimits: Sendable, Equatable {
  /// The most pixels (`width * height`) an image may have.
  public var maxPixels: Int
  /// The most pixels an image may have along either side.
  public var maxSide: Int

  /// Creates limits; the defaults are 100 megapixels and 32,768 pixels per side.
  public init(maxPixels: Int = 100_000_000, maxSide: Int = 32_768) {
    self.maxPixels = maxPixels
    self.maxSide = maxSide
  }

  /// 100 megapixels and 32,768 pixels per side.
  public static let `default` = ImageLimits()

  /// Whether an image of `width` x `height` pixels is within the limits (sizes equal to a limit
  /// are accepted).
  public func permits(width: Int, height: Int) -> Bool {
    let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
    return width <= maxSide && height <= maxSide && !overflow && pixels <= maxPixels
  }

  /// The largest file accepted, in bytes.
  ///
  /// 8 bytes per pixel of `maxPixels` (a 16-bit RGBA PNG stored without compression) plus 64 MiB
  /// for metadata: 867,108,864 bytes (826 MiB) for the default limits. A larger file cannot hold
  /// an image within the limits and is refused before it is read.
  public var maxFileSize: Int {
    let (pixelBytes, overflow) = maxPixels.multipliedReportingOverflow(by: 8)
    return overflow ? Int.max : pixelBytes.addingReportingOverflow(64 << 20).partialValue
  }
}
