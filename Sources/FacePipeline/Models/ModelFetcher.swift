import Foundation

/// Fetches catalog model files into a model folder.
public struct ModelFetcher: Sendable {
  /// The folder files are written to.
  public let folder: URL
  /// The transfer settings.
  public var downloader: FileDownloader

  /// A fetcher writing to `folder` with `downloader`'s transfer settings.
  public init(folder: URL, downloader: FileDownloader = FileDownloader()) {
    self.folder = folder
    self.downloader = downloader
  }

  /// The path `entry` is stored at in `folder`.
  public func destination(of entry: ModelCatalogEntry) -> URL {
    folder.appendingPathComponent(entry.fileName)
  }

  /// Downloads `entry` unless it is already in the folder.
  ///
  /// - Returns: the file's path, and whether it was downloaded now.
  /// - Throws: `PipelineError.downloadFailed`, whose message says where to put the file by
  ///   hand.
  @discardableResult
  public func fetch(
    _ entry: ModelCatalogEntry, from base: URL = ModelCatalog.releaseBase,
    progress: (@Sendable (Int64, Int64?) -> Void)? = nil
  ) throws(PipelineError) -> (path: URL, downloaded: Bool) {
    let target = destination(of: entry)
    if FileManager.default.fileExists(atPath: target.path) { return (target, false) }
    do {
      try downloader.download(
        from: base.appendingPathComponent(entry.fileName), to: target, progress: progress)
    } catch {
      throw .downloadFailed(
        entry: entry.name, cause: error,
        manualHint: ModelCatalog.manualDownloadHint(entry, folder: folder))
    }
    return (target, true)
  }
}
