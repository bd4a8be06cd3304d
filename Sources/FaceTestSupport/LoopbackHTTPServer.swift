import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A minimal HTTP/1.1 server on 127.0.0.1 for download tests: serves fixed files, honours
/// `Range: bytes=N-` with 206 answers, and can break off a response after some body bytes to
/// simulate a dropped connection.
///
/// One connection at a time, `Connection: close`.
public final class LoopbackHTTPServer: @unchecked Sendable {
  /// One request the server received.
  public struct Request: Sendable, Equatable {
    /// The request target from the request line, such as "/a.bin" ("/" if the line has none).
    public let path: String
    /// The `Range` header, if any.
    public let range: String?
  }

  /// The port the server listens on.
  public let port: UInt16
  private let listener: Int32
  private let files: [String: [UInt8]]
  private let lock = NSLock()
  private var received: [Request] = []
  private var cutNextResponseAfter: Int?
  private var ignoreRanges = false
  private var stopped = false

  /// Starts serving `files` (path such as "/a.bin" -> bytes).
  public init(files: [String: [UInt8]]) throws {
    self.files = files
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ServerError.socket("socket() failed: errno \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, listen(fd, 8) == 0 else {
      close(fd)
      throw ServerError.socket("bind/listen failed: errno \(errno)")
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    listener = fd
    port = UInt16(bigEndian: address.sin_port)
    let thread = Thread { [self] in serve() }
    thread.start()
  }

  /// Closes the listening socket (once; later calls do nothing) and ends the serving thread;
  /// later connections are refused.
  ///
  /// Every server must be stopped: its thread keeps it alive.
  public func stop() {
    let first = lock.withLock { () -> Bool in
      defer { stopped = true }
      return !stopped
    }
    guard first else { return }
    shutdown(listener, Int32(SHUT_RDWR))
    close(listener)
  }

  /// The base URL, `http://127.0.0.1:PORT/`.
  public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/")! }

  /// The requests received so far, in order.
  public var requests: [Request] { lock.withLock { received } }

  /// Makes the next response stop after `bytes` body bytes (the connection is then closed).
  public func cutNextResponse(after bytes: Int) { lock.withLock { cutNextResponseAfter = bytes } }

  /// Makes the server answer every request with the whole file (200), ignoring `Range`.
  public func setIgnoresRanges(_ ignores: Bool) { lock.withLock { ignoreRanges = ignores } }

  private func serve() {
    while true {
      let client = accept(listener, nil, nil)
      if client < 0 { return }
      handle(client)
      close(client)
    }
  }

  private func handle(_ client: Int32) {
    var head = [UInt8]()
    var byte: UInt8 = 0
    while !head.ends(with: [13, 10, 13, 10]) {
      guard recv(client, &byte, 1, 0) == 1 else { return }
      head.append(byte)
    }
    let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
    let path = lines.first?.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
    let rangeLine = lines.first { $0.lowercased().hasPrefix("range:") }
    let range = rangeLine.map { String($0.dropFirst(6)).trimmingCharacters(in: .whitespaces) }
    let (cut, ignoresRanges) = lock.withLock { () -> (Int?, Bool) in
      received.append(Request(path: path, range: range))
      defer { cutNextResponseAfter = nil }
      return (cutNextResponseAfter, ignoreRanges)
    }
    guard let body = files[path] else {
      send(client, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
      return
    }
    var start = 0
    if !ignoresRanges, let range, range.hasPrefix("bytes="), range.hasSuffix("-"),
      let from = Int(range.dropFirst(6).dropLast()), from < body.count
    {
      start = from
    }
    let status =
      start > 0
      ? "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes \(start)-\(body.count - 1)/\(body.count)\r\n"
      : "HTTP/1.1 200 OK\r\n"
    send(client, status + "Content-Length: \(body.count - start)\r\nConnection: close\r\n\r\n")
    let end = cut.map { min(body.count, start + $0) } ?? body.count
    body[start..<end].withUnsafeBytes { bytes in
      var offset = 0
      while offset < bytes.count {
        let sent = Glibc.send(
          client, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
        if sent <= 0 { return }
        offset += sent
      }
    }
  }

  private func send(_ client: Int32, _ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { Glibc.send(client, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
  }

  /// The server could not start.
  public enum ServerError: Error { case socket(String) }
}

extension Array where Element == UInt8 {
  fileprivate func ends(with suffix: [UInt8]) -> Bool {
    count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
  }
}
