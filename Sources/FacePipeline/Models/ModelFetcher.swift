import Foundation

/// Fetches catalog model files into a model folder (what `advcli models fetch` runs).
public struct ModelFetcher: Sendable {
  /// The folder files are written to.
  public let folder: URL
  /// The transfer settings.
  public var downloader: FileDownloader

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
  /// - Throws: `ModelFetchError.downloadFailed`, whose message says where to put the file by hand.
  @discardableResult
  public func fetch(
    _ entry: ModelCatalogEntry, from base: URL = ModelCatalog.releaseBase,
    progress: (@Sendable (Int64, Int64?) -> Void)? = nil
  ) throws -> (path: URL, downloaded: Bool) {
    let target = destination(of: entry)
    if FileManager.default.fileExists(atPath: target.path) { return (target, false) }
    do {
      try downloader.download(
        from: base.appendingPathComponent(entry.fileName), to: target, progress: progress)
    } catch let error as DownloadError {
      throw ModelFetchError.downloadFailed(
        entry: entry.name, cause: error,
        manualHint: ModelCatalog.manualDownloadHint(entry, folder: folder))
    }
    return (target, true)
  }
}

/// Fetching a model file failed.
public enum ModelFetchError: Error, Equatable, CustomStringConvertible {
  case downloadFailed(entry: String, cause: DownloadError, manualHint: String)

  public var description: String {
    switch self {
    case .downloadFailed(let entry, let cause, let hint):
      return "\(entry): \(cause). Without network access, \(hint)"
    }
  }
}
