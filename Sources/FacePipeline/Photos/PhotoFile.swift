import Foundation

/// Reading and writing photo files with FacePipeline's errors.
enum PhotoFile {
  /// The PNG or JPEG photo at `url`, decoded to upright 8-bit RGB (`RGBImage(contentsOf:)`).
  /// - Throws: `PipelineError.unreadableImage` naming the file.
  static func read(_ url: URL) throws(PipelineError) -> RGBImage {
    do {
      return try RGBImage(contentsOf: url)
    } catch {
      throw .unreadableImage(error)
    }
  }

  /// Writes `image` atomically to `url` as PNG or as JPEG at `format`'s quality.
  /// - Throws: `PipelineError.cannotWrite`; nothing is then created or changed at `url`.
  static func write(_ image: RGBImage, to url: URL, as format: OutputFormat) throws(PipelineError) {
    do {
      switch format {
      case .png: try image.writePNG(to: url)
      case .jpeg(let quality): try image.writeJPEG(to: url, quality: quality)
      }
    } catch {
      throw .cannotWrite(error)
    }
  }
}
