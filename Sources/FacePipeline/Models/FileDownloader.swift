import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Downloads one file over HTTP(S) into a folder: resumable, atomic, with progress.
///
/// Bytes go to `NAME.part` next to the destination. A later call resumes from the part file's size
/// with a `Range` request (a server that answers 200 instead of 206 restarts it from zero). Only a
/// complete download is renamed to `NAME`, so the destination never holds a partial file.
public struct FileDownloader: Sendable {
  /// The longest wait for a connection (or for any data once connected), in seconds.
  public var connectTimeout: TimeInterval

  /// - Parameter connectTimeout: at most 10 s by default, so an unreachable host fails fast.
  public init(connectTimeout: TimeInterval = 10) {
    self.connectTimeout = connectTimeout
  }

  /// The part file used for `destination`.
  public static func partFile(for destination: URL) -> URL {
    destination.deletingLastPathComponent()
      .appendingPathComponent(destination.lastPathComponent + ".part")
  }

  /// Downloads `url` to `destination`, resuming a previous partial download if there is one.
  ///
  /// - Parameters:
  ///   - progress: called with (bytes on disk, total bytes if the server said) as data arrives.
  /// - Throws: `DownloadError`; the part file is kept so the next call resumes.
  public func download(
    from url: URL, to destination: URL,
    progress: (@Sendable (_ received: Int64, _ total: Int64?) -> Void)? = nil
  ) throws(DownloadError) {
    let part = FileDownloader.partFile(for: destination)
    let folder = destination.deletingLastPathComponent()
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw .cannotWrite(path: folder.path, reason: error.localizedDescription)
    }
    if !FileManager.default.fileExists(atPath: part.path) {
      guard FileManager.default.createFile(atPath: part.path, contents: nil) else {
        throw .cannotWrite(path: part.path, reason: "cannot create the file")
      }
    }
    let handle: FileHandle
    do {
      handle = try FileHandle(forWritingTo: part)
    } catch {
      throw .cannotWrite(path: part.path, reason: error.localizedDescription)
    }
    defer { try? handle.close() }
    let offset = (try? handle.seekToEnd()).map(Int64.init) ?? 0

    var request = URLRequest(url: url)
    request.timeoutInterval = connectTimeout
    if offset > 0 { request.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range") }

    let transfer = Transfer(url: url, file: handle, resumeOffset: offset, progress: progress)
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = connectTimeout
    let session = URLSession(configuration: configuration, delegate: transfer, delegateQueue: nil)
    session.dataTask(with: request).resume()
    transfer.finished.wait()
    session.finishTasksAndInvalidate()

    let outcome = transfer.outcome
    if let failure = outcome.failure {
      // Keep what arrived for a resume; a part file that received nothing is just clutter.
      if outcome.bytesOnDisk == 0 { try? FileManager.default.removeItem(at: part) }
      throw failure
    }
    if let total = outcome.total, outcome.bytesOnDisk != total {
      throw .incomplete(url: url, received: outcome.bytesOnDisk, expected: total)
    }
    try? handle.synchronize()
    do {
      if FileManager.default.fileExists(atPath: destination.path) {
        _ = try FileManager.default.replaceItemAt(destination, withItemAt: part)
      } else {
        try FileManager.default.moveItem(at: part, to: destination)
      }
    } catch {
      throw .cannotWrite(path: destination.path, reason: error.localizedDescription)
    }
  }
}

/// The state of one transfer, updated by URLSession's delegate callbacks (on the session's serial
/// delegate queue) and read once `finished` is signalled.
private final class Transfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
  struct Outcome {
    var bytesOnDisk: Int64
    var total: Int64?
    var failure: DownloadError?
  }

  let finished = DispatchSemaphore(value: 0)
  private let url: URL
  private let file: FileHandle
  private let progress: (@Sendable (Int64, Int64?) -> Void)?
  private let lock = NSLock()
  private var state: Outcome

  init(
    url: URL, file: FileHandle, resumeOffset: Int64, progress: (@Sendable (Int64, Int64?) -> Void)?
  ) {
    self.url = url
    self.file = file
    self.progress = progress
    self.state = Outcome(bytesOnDisk: resumeOffset, total: nil, failure: nil)
  }

  var outcome: Outcome { lock.withLock { state } }

  func urlSession(
    _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
  ) {
    let disposition: URLSession.ResponseDisposition = lock.withLock {
      guard let http = response as? HTTPURLResponse else {
        state.failure = .httpStatus(url: url, status: -1)
        return .cancel
      }
      switch http.statusCode {
      case 206:
        let range = http.value(forHTTPHeaderField: "Content-Range") ?? ""
        guard let parsed = ContentRange(range), parsed.start == state.bytesOnDisk else {
          state.failure = .badResume(
            url: url, contentRange: range, expectedStart: state.bytesOnDisk)
          return .cancel
        }
        state.total = parsed.total
      case 200:
        // The server ignored the Range request: start the part file over.
        do {
          try file.truncate(atOffset: 0)
        } catch {
          state.failure = .cannotWrite(path: url.lastPathComponent, reason: "\(error)")
          return .cancel
        }
        state.bytesOnDisk = 0
        state.total = http.expectedContentLength >= 0 ? http.expectedContentLength : nil
      default:
        state.failure = .httpStatus(url: url, status: http.statusCode)
        return .cancel
      }
      return .allow
    }
    completionHandler(disposition)
  }

  func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
    let report: (Int64, Int64?)? = lock.withLock {
      guard state.failure == nil else { return nil }
      do {
        try file.write(contentsOf: data)
      } catch {
        state.failure = .cannotWrite(path: url.lastPathComponent, reason: "\(error)")
        dataTask.cancel()
        return nil
      }
      state.bytesOnDisk += Int64(data.count)
      return (state.bytesOnDisk, state.total)
    }
    if let report { progress?(report.0, report.1) }
  }

  func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
    lock.withLock {
      if state.failure == nil, let error {
        state.failure = .transport(url: url, reason: error.localizedDescription)
      }
    }
    finished.signal()
  }
}

/// A parsed `Content-Range: bytes START-END/TOTAL` header (TOTAL may be `*`).
struct ContentRange: Equatable {
  let start: Int64
  let end: Int64
  let total: Int64?

  init?(_ header: String) {
    let text = header.trimmingCharacters(in: .whitespaces)
    guard text.hasPrefix("bytes ") else { return nil }
    let parts = text.dropFirst(6).split(separator: "/", maxSplits: 1)
    guard parts.count == 2 else { return nil }
    let bounds = parts[0].split(separator: "-", maxSplits: 1)
    guard bounds.count == 2, let start = Int64(bounds[0]), let end = Int64(bounds[1]), end >= start
    else { return nil }
    self.start = start
    self.end = end
    self.total = parts[1] == "*" ? nil : Int64(parts[1])
  }
}

/// A download failed.
public enum DownloadError: Error, Equatable, CustomStringConvertible {
  /// The connection failed or timed out, or the transfer broke off.
  case transport(url: URL, reason: String)
  /// The server answered with an unexpected HTTP status.
  case httpStatus(url: URL, status: Int)
  /// The server's answer to a resume request does not continue the part file.
  case badResume(url: URL, contentRange: String, expectedStart: Int64)
  /// The connection ended before the announced size arrived.
  case incomplete(url: URL, received: Int64, expected: Int64)
  /// A file or folder could not be written.
  case cannotWrite(path: String, reason: String)

  /// One line naming the URL or file and the problem.
  public var description: String {
    switch self {
    case .transport(let url, let reason):
      return "could not download \(url.absoluteString): \(reason)"
    case .httpStatus(let url, let status):
      return "could not download \(url.absoluteString): the server answered HTTP \(status)"
    case .badResume(let url, let range, let start):
      return "could not resume \(url.absoluteString): the server sent 'Content-Range: \(range)', "
        + "expected data from byte \(start)"
    case .incomplete(let url, let received, let expected):
      return "download of \(url.absoluteString) stopped at \(received) of \(expected) bytes; "
        + "run the command again to resume"
    case .cannotWrite(let path, let reason):
      return "cannot write \(path): \(reason)"
    }
  }
}
