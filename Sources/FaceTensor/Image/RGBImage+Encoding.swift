import Foundation

extension RGBImage {
  /// The image as a lossless 8-bit RGB PNG file.
  /// - Throws: `ImageIOError.writeFailed` for an empty (0-pixel) image.
  public func pngData() throws(ImageIOError) -> Data {
    try ImageCodec.encodePNG(self, name: "<PNG data>")
  }

  /// The image as a baseline JPEG file with 4:2:0 chroma subsampling (libjpeg's defaults).
  /// - Parameter quality: libjpeg's quality scale, 1 (smallest) to 100 (best).
  /// - Precondition: `quality` is in `1...100`.
  /// - Throws: `ImageIOError.writeFailed` for an empty image or one wider or taller than JPEG's
  ///   65,500 pixels.
  public func jpegData(quality: Int) throws(ImageIOError) -> Data {
    precondition(
      (1...100).contains(quality), "[jpegData] quality must be in 1...100, got \(quality)")
    return try ImageCodec.encodeJPEG(self, quality: quality, name: "<JPEG data>")
  }

  /// Writes the image as a PNG file, atomically.
  ///
  /// The bytes go to a new temporary file in the same folder, which is then renamed to `url`. On
  /// failure nothing is left behind and an existing file at `url` is unchanged.
  /// - Throws: `ImageIOError.writeFailed` naming `url.path`.
  public func writePNG(to url: URL) throws(ImageIOError) {
    try AtomicFileWriter.write(ImageCodec.encodePNG(self, name: url.path), to: url)
  }

  /// Writes the image as a JPEG file at `quality` (1-100), atomically as `writePNG(to:)`.
  /// - Precondition: `quality` is in `1...100`.
  /// - Throws: `ImageIOError.writeFailed` naming `url.path`.
  public func writeJPEG(to url: URL, quality: Int) throws(ImageIOError) {
    precondition(
      (1...100).contains(quality), "[writeJPEG] quality must be in 1...100, got \(quality)")
    try AtomicFileWriter.write(
      ImageCodec.encodeJPEG(self, quality: quality, name: url.path), to: url)
  }
}
