import CImageCodecs
import Foundation

/// PNG and JPEG coding through libpng and libjpeg (the C shims `png_codec.c`, `jpeg_codec.c`).
///
/// The only file of the image layer that calls into C. Decoding reads the header, checks the
/// declared size against the limits, then decodes straight into the pixel array of the result.
enum ImageCodec {
  /// Bytes reserved for a library's message.
  private static let messageCapacity = 512

  // MARK: - Decoding

  /// Decodes PNG or JPEG data (chosen by signature) into upright 8-bit RGB.
  static func decode(_ data: Data, name: String, limits: ImageLimits) throws(ImageIOError)
    -> RGBImage
  {
    guard let format = ImageFormat(signatureOf: data) else { throw .notAnImage(file: name) }
    let decoded = data.withUnsafeBytes { raw -> Result<RGBImage, ImageIOError> in
      let bytes = raw.bindMemory(to: UInt8.self)
      guard let base = bytes.baseAddress else { return .failure(.notAnImage(file: name)) }
      let source = Source(base: base, count: bytes.count, name: name, format: format)
      switch format {
      case .png: return Result { () throws(ImageIOError) in try decodePNG(source, limits: limits) }
      case .jpeg:
        return Result { () throws(ImageIOError) in try decodeJPEG(source, limits: limits) }
      }
    }
    return try decoded.get()
  }

  /// The encoded bytes being decoded, with what errors need to name.
  private struct Source {
    let base: UnsafePointer<UInt8>
    let count: Int
    let name: String
    let format: ImageFormat
  }

  private static func decodePNG(_ source: Source, limits: ImageLimits) throws(ImageIOError)
    -> RGBImage
  {
    var message = [CChar](repeating: 0, count: messageCapacity)
    var reader: OpaquePointer?
    defer { fa_png_reader_close(reader) }
    var width: UInt32 = 0
    var height: UInt32 = 0
    let opened = fa_png_reader_open(
      source.base, source.count, &reader, &width, &height, &message, messageCapacity)
    guard opened == FA_IMAGE_OK, let reader else {
      throw error(opened, message, source)
    }
    return try decodePixels(width: Int(width), height: Int(height), source, limits) { rgb in
      fa_png_reader_read_rgb(reader, rgb, &message, messageCapacity)
    } failure: { status in
      error(status, message, source)
    }
  }

  private static func decodeJPEG(_ source: Source, limits: ImageLimits) throws(ImageIOError)
    -> RGBImage
  {
    var message = [CChar](repeating: 0, count: messageCapacity)
    var reader: OpaquePointer?
    defer { fa_jpeg_reader_close(reader) }
    var width: UInt32 = 0
    var height: UInt32 = 0
    var orientation: Int32 = 1
    let opened = fa_jpeg_reader_open(
      source.base, source.count, &reader, &width, &height, &orientation, &message,
      messageCapacity)
    guard opened == FA_IMAGE_OK, let reader else {
      throw error(opened, message, source)
    }
    let stored = try decodePixels(width: Int(width), height: Int(height), source, limits) { rgb in
      fa_jpeg_reader_read_rgb(reader, rgb, &message, messageCapacity)
    } failure: { status in
      error(status, message, source)
    }
    return stored.applyingExifOrientation(Int(orientation))
  }

  /// Checks the declared size, then lets `read` fill a new `width * height * 3` byte array.
  private static func decodePixels(
    width: Int, height: Int, _ source: Source, _ limits: ImageLimits,
    read: (UnsafeMutablePointer<UInt8>) -> fa_image_status,
    failure: (fa_image_status) -> ImageIOError
  ) throws(ImageIOError) -> RGBImage {
    guard limits.permits(width: width, height: height) else {
      throw .tooLarge(file: source.name, width: width, height: height, limits: limits)
    }
    let count = width * height * 3
    guard count > 0 else {
      throw .corrupt(
        file: source.name, format: source.format, message: "empty \(width)x\(height) image")
    }
    var status = FA_IMAGE_FAILED
    let pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      initialized = 0
      // `buffer` has `count` > 0 elements, so its base address exists.
      guard let base = buffer.baseAddress else { return }
      status = read(base)
      if status == FA_IMAGE_OK { initialized = count }
    }
    guard status == FA_IMAGE_OK else { throw failure(status) }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  private static func error(_ status: fa_image_status, _ message: [CChar], _ source: Source)
    -> ImageIOError
  {
    let text = string(message)
    switch status {
    case FA_IMAGE_TRUNCATED: return .truncated(file: source.name, format: source.format)
    case FA_IMAGE_UNSUPPORTED:
      return .unsupportedVariant(file: source.name, format: source.format, message: text)
    case FA_IMAGE_FAILED: return .unreadable(file: source.name, reason: text)
    default: return .corrupt(file: source.name, format: source.format, message: text)
    }
  }

  // MARK: - Encoding

  /// Lossless 8-bit RGB PNG (zlib's default compression); `name` is used in errors.
  static func encodePNG(_ image: RGBImage, name: String) throws(ImageIOError) -> Data {
    try encode(image, name: name) { rgb, width, height, output, size, message, capacity in
      fa_png_encode_rgb(rgb, width, height, output, size, message, capacity)
    }
  }

  /// Baseline JPEG at `quality` (1-100, libjpeg's scale; 4:2:0 chroma subsampling).
  static func encodeJPEG(_ image: RGBImage, quality: Int, name: String) throws(ImageIOError)
    -> Data
  {
    try encode(image, name: name) { rgb, width, height, output, size, message, capacity in
      fa_jpeg_encode_rgb(rgb, width, height, Int32(quality), output, size, message, capacity)
    }
  }

  private typealias Encoder = (
    UnsafePointer<UInt8>, UInt32, UInt32, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>,
    UnsafeMutablePointer<Int>, UnsafeMutablePointer<CChar>, Int
  ) -> fa_image_status

  private static func encode(_ image: RGBImage, name: String, with encoder: Encoder)
    throws(ImageIOError) -> Data
  {
    guard image.width > 0, image.height > 0 else {
      throw .writeFailed(
        file: name, reason: "cannot encode an empty \(image.width)x\(image.height) image")
    }
    guard let width = UInt32(exactly: image.width), let height = UInt32(exactly: image.height)
    else {
      throw .writeFailed(
        file: name, reason: "\(image.width)x\(image.height) is too large to encode")
    }
    var message = [CChar](repeating: 0, count: messageCapacity)
    var output: UnsafeMutablePointer<UInt8>?
    var size = 0
    let status = image.pixels.withUnsafeBufferPointer { rgb -> fa_image_status in
      // A non-empty image has a non-empty pixel array, so its base address exists.
      guard let base = rgb.baseAddress else { return FA_IMAGE_FAILED }
      return encoder(base, width, height, &output, &size, &message, messageCapacity)
    }
    defer { fa_image_buffer_free(output) }
    guard status == FA_IMAGE_OK, let output else {
      throw .writeFailed(file: name, reason: string(message))
    }
    return Data(bytes: output, count: size)
  }

  /// The NUL-terminated UTF-8 text in `message`.
  private static func string(_ message: [CChar]) -> String {
    String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
