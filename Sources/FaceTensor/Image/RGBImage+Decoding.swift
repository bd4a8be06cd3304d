import Foundation

extension RGBImage {
  /// Reads a PNG or JPEG file into upright 8-bit RGB.
  ///
  /// The format comes from the file's first bytes, not its name. The pixels match Pillow's
  /// `Image.open(path)` followed (for JPEG) by `ImageOps.exif_transpose` and `convert('RGB')`:
  /// - alpha and PNG transparency (tRNS) are dropped, not composited; gray is replicated to R, G
  ///   and B; palettes are expanded; 1-, 2- and 4-bit gray is scaled to 0...255;
  /// - 16-bit PNG samples keep their high byte (`v >> 8`), except 16-bit gray without alpha, which
  ///   Pillow opens as "I;16" and converts by clamping (`min(v, 255)`);
  /// - a JPEG's EXIF orientation (1-8, from the first Exif APP1 segment) is applied;
  /// - CMYK and YCCK JPEGs are read with Adobe's inverted polarity (as Pillow always does) and
  ///   converted with Pillow's formula `R = (255 - K) * (1 - C / 255)` (rounded).
  ///
  /// - Parameters:
  ///   - url: a file URL.
  ///   - limits: the largest size accepted; checked against the header before decoding.
  /// - Throws: `ImageIOError`: `.fileNotFound`, `.unreadable`, `.notAnImage`, `.truncated`
  ///   (also any JPEG libjpeg reports as ending early), `.corrupt` (including any other libjpeg
  ///   warning, so damaged data is never returned as a gray-filled image),
  ///   `.unsupportedVariant`, `.tooLarge`. Messages name `url.path`.
  public init(contentsOf url: URL, limits: ImageLimits = .default) throws(ImageIOError) {
    let path = url.path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw .fileNotFound(file: path)
    }
    guard !isDirectory.boolValue else {
      throw .unreadable(file: path, reason: "it is a directory")
    }
    let data: Data
    do {
      // Mapped rather than copied when possible: a huge file costs no memory before its
      // header has been checked.
      data = try Data(contentsOf: url, options: .mappedIfSafe)
    } catch {
      throw .unreadable(file: path, reason: error.localizedDescription)
    }
    try self.init(data: data, name: path, limits: limits)
  }

  /// Decodes PNG or JPEG bytes held in memory; see `init(contentsOf:limits:)` for the conversion.
  ///
  /// - Parameters:
  ///   - data: the encoded file contents.
  ///   - name: what error messages call the data (a file name or URL).
  ///   - limits: the largest size accepted; checked against the header before decoding.
  /// - Throws: `ImageIOError` as `init(contentsOf:limits:)`, naming `name`.
  public init(data: Data, name: String, limits: ImageLimits = .default) throws(ImageIOError) {
    self = try ImageCodec.decode(data, name: name, limits: limits)
  }
}
