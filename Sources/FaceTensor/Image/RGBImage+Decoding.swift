import Foundation

extension RGBImage {
  /// Reads a PNG or JPEG file into upright 8-bit RGB.
  ///
  /// The format comes from the file's first bytes, not its name. The pixels match Pillow's
  /// `Image.open(path)` followed (for JPEG) by `ImageOps.exif_transpose` and `convert('RGB')`:
  /// - alpha and PNG transparency (tRNS) are dropped, not composited; gray is replicated to R, G
  ///   and B; palettes are expanded; 1-, 2- and 4-bit gray is scaled to 0...255;
  /// - 16-bit PNG samples of every kind are scaled to 8 bits, `round(v * 255 / 65535)` (libpng's
  ///   `png_set_scale_16`; Pillow instead clips 16-bit gray to 255, which turns most photos
  ///   white, and keeps the high byte of the others);
  /// - a JPEG's EXIF orientation (1-8, from the first Exif APP1 segment) is applied;
  /// - CMYK and YCCK JPEGs are read with Adobe's inverted polarity (as Pillow always does) and
  ///   converted with Pillow's formula `R = (255 - K) * (1 - C / 255)` (rounded).
  ///
  /// - Parameters:
  ///   - url: a file URL.
  ///   - limits: the largest size accepted; the file size is checked against
  ///     `limits.maxFileSize` before anything is read, the declared size against the header
  ///     before decoding.
  /// - Throws: `ImageIOError`: `.fileNotFound`, `.unreadable` (not a regular file, no
  ///   permission, a symbolic-link loop, a file over `limits.maxFileSize`), `.notAnImage`,
  ///   `.truncated` (also any JPEG libjpeg reports as ending early), `.corrupt` (including the
  ///   libjpeg warnings about damaged data, so damaged data is never returned as a gray-filled
  ///   image, and a JPEG with an inconsistent progression or more than 500 scans),
  ///   `.unsupportedVariant`, `.tooLarge`. Messages name `url.path`.
  public init(contentsOf url: URL, limits: ImageLimits = .default) throws(ImageIOError) {
    let data: Data
    do throws(InputFileError) {
      // Mapped, not copied: a huge file costs no memory before its header has been checked.
      data = try InputFile.mappedContents(
        of: url, maxSize: limits.maxFileSize, what: "PNG or JPEG image")
    } catch .notFound(let file) {
      throw .fileNotFound(file: file)
    } catch {
      throw .unreadable(file: error.file, reason: error.reason)
    }
    try self.init(data: data, name: url.path, limits: limits)
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
