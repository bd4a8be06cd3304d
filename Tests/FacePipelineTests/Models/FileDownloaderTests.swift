import FaceTestSupport
import Foundation
import Testing

@testable import FacePipeline

/// Downloads against a server on loopback started by each test.
struct FileDownloaderTests {
  let payload: [UInt8] = {
    var generator = SplitMix64(seed: 7)
    return (0..<300_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
  }()

  func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("downloader-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }

  @Test func completeDownloadWritesTheFileAndNoPartFile() throws {
    let server = try LoopbackHTTPServer(files: ["/model.h5": payload])
    defer { server.stop() }
    let folder = try temporaryFolder()
    let destination = folder.appendingPathComponent("model.h5")
    let reports = ProgressRecorder()
    try FileDownloader(connectTimeout: 5).download(
      from: server.baseURL.appendingPathComponent("model.h5"), to: destination,
      progress: { received, total in reports.record(received, total) })
    #expect(try [UInt8](Data(contentsOf: destination)) == payload)
    #expect(!FileManager.default.fileExists(atPath: FileDownloader.partFile(for: destination).path))
    #expect(reports.last?.received == Int64(payload.count))
    #expect(reports.last?.total == Int64(payload.count))
  }

  @Test func interruptedDownloadLeavesOnlyThePartFileAndResumesWithARangeRequest() throws {
    let server = try LoopbackHTTPServer(files: ["/model.h5": payload])
    defer { server.stop() }
    let folder = try temporaryFolder()
    let destination = folder.appendingPathComponent("model.h5")
    let url = server.baseURL.appendingPathComponent("model.h5")
    server.cutNextResponse(after: 100_000)
    #expect(throws: DownloadError.self) {
      try FileDownloader(connectTimeout: 5).download(from: url, to: destination)
    }
    // Nothing at the destination: only the part file, holding what arrived.
    #expect(!FileManager.default.fileExists(atPath: destination.path))
    let part = try Data(contentsOf: FileDownloader.partFile(for: destination))
    #expect(part.count == 100_000)
    #expect([UInt8](part) == Array(payload.prefix(100_000)))

    try FileDownloader(connectTimeout: 5).download(from: url, to: destination)
    #expect(server.requests.last?.range == "bytes=100000-")
    #expect(try [UInt8](Data(contentsOf: destination)) == payload)
    #expect(!FileManager.default.fileExists(atPath: FileDownloader.partFile(for: destination).path))
  }

  @Test func serverThatIgnoresRangesRestartsThePartFile() throws {
    let server = try LoopbackHTTPServer(files: ["/model.h5": payload])
    defer { server.stop() }
    let folder = try temporaryFolder()
    let destination = folder.appendingPathComponent("model.h5")
    try Data(payload.prefix(5000)).write(to: FileDownloader.partFile(for: destination))
    server.setIgnoresRanges(true)
    try FileDownloader(connectTimeout: 5).download(
      from: server.baseURL.appendingPathComponent("model.h5"), to: destination)
    #expect(server.requests.last?.range == "bytes=5000-")
    #expect(try [UInt8](Data(contentsOf: destination)) == payload)
  }

  @Test func missingFileIsAnHTTPError() throws {
    let server = try LoopbackHTTPServer(files: [:])
    defer { server.stop() }
    let folder = try temporaryFolder()
    let url = server.baseURL.appendingPathComponent("absent.h5")
    #expect(throws: DownloadError.httpStatus(url: url, status: 404)) {
      try FileDownloader(connectTimeout: 5).download(
        from: url, to: folder.appendingPathComponent("absent.h5"))
    }
    #expect(
      !FileManager.default.fileExists(atPath: folder.appendingPathComponent("absent.h5").path))
  }

  @Test func unreachableHostFailsWithinTheConnectTimeoutAndSaysWhereToPutTheFile() throws {
    let folder = try temporaryFolder()
    // A closed port on loopback: the connection is refused at once.
    let server = try LoopbackHTTPServer(files: [:])
    let base = server.baseURL
    server.stop()
    let entry = try ModelCatalog.entry(named: "labels-v2")
    let start = Date()
    do {
      try ModelFetcher(folder: folder, downloader: FileDownloader(connectTimeout: 2))
        .fetch(entry, from: base)
      Issue.record("fetch from a closed port succeeded")
    } catch {
      let message = error.description
      #expect(message.hasPrefix("labels-v2: could not download http://127.0.0.1:"))
      #expect(
        message.hasSuffix(
          "Without network access, download "
            + "https://github.com/rcmalli/keras-vggface/releases/download/v2.0/rcmalli_vggface_labels_v2.npy"
            + " by hand and put it at \(folder.path)/rcmalli_vggface_labels_v2.npy."))
    }
    #expect(Date().timeIntervalSince(start) < 10)
    let destination = folder.appendingPathComponent(entry.fileName)
    #expect(!FileManager.default.fileExists(atPath: destination.path))
    #expect(!FileManager.default.fileExists(atPath: FileDownloader.partFile(for: destination).path))
  }

  @Test func contentRangeHeadersAreParsed() {
    #expect(ContentRange("bytes 100-199/200") == ContentRange("bytes 100-199/200"))
    #expect(ContentRange("bytes 100-199/200")?.start == 100)
    #expect(ContentRange("bytes 100-199/200")?.total == 200)
    #expect(ContentRange("bytes 0-9/*")?.total == nil)
    #expect(ContentRange("bytes 9-0/20") == nil)
    #expect(ContentRange("items 0-9/20") == nil)
  }
}

/// Collects progress reports from the downloader's callback thread.
final class ProgressRecorder: @unchecked Sendable {
  private let lock = NSLock()
  private var reports: [(received: Int64, total: Int64?)] = []

  func record(_ received: Int64, _ total: Int64?) {
    lock.withLock { reports.append((received, total)) }
  }
  var last: (received: Int64, total: Int64?)? { lock.withLock { reports.last } }
}
