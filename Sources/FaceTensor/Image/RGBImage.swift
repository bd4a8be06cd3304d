/// An 8-bit RGB image.
///
/// `height` rows of `width` pixels, top row first, each pixel three bytes R, G, B (interleaved):
/// pixel `(x, y)` starts at byte `(y * width + x) * 3`. Value semantics (the bytes are a Swift
/// `Array`). Decoders return images upright: a JPEG's EXIF orientation has already been applied,
/// alpha has been dropped and gray replicated.
public struct RGBImage: Sendable, Equatable {
  /// Pixels per row.
  public let width: Int
  /// Number of rows.
  public let height: Int
  /// `width * height * 3` bytes, row-major, RGB interleaved.
  public var pixels: [UInt8]

  /// Creates an image from its interleaved RGB bytes.
  /// - Precondition: `pixels.count == width * height * 3`, `width, height >= 0`.
  public init(width: Int, height: Int, pixels: [UInt8]) {
    precondition(width >= 0 && height >= 0, "[RGBImage] negative size \(width)x\(height)")
    precondition(
      pixels.count == width * height * 3,
      "[RGBImage] \(pixels.count) bytes for \(width)x\(height) RGB, expected \(width * height * 3)")
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// Creates an image filled with one colour.
  public init(width: Int, height: Int, red: UInt8 = 0, green: UInt8 = 0, blue: UInt8 = 0) {
    var bytes = [UInt8](repeating: 0, count: width * height * 3)
    for i in stride(from: 0, to: bytes.count, by: 3) {
      bytes[i] = red
      bytes[i + 1] = green
      bytes[i + 2] = blue
    }
    self.init(width: width, height: height, pixels: bytes)
  }

  /// The R, G, B bytes of the pixel at column `x`, row `y`.
  public subscript(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
    get {
      let i = (y * width + x) * 3
      return (pixels[i], pixels[i + 1], pixels[i + 2])
    }
    set {
      let i = (y * width + x) * 3
      pixels[i] = newValue.red
      pixels[i + 1] = newValue.green
      pixels[i + 2] = newValue.blue
    }
  }
}
