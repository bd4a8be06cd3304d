import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes files so that a reader never sees a partial one.
///
/// The bytes go to a new temporary file (`.<name>.<random>.tmp`) in the destination's folder, are
/// flushed to disk, and the temporary file is renamed over the destination (an atomic replacement
/// on POSIX file systems). On any failure the temporary file is removed and the destination is
/// untouched. While it exists, the temporary file is registered with `TemporaryFiles`, so that a
/// process stopped by a signal can remove it.
public enum AtomicFileWriter {
  /// Writes `data` to `url`.
  /// - Throws: `ImageIOError.writeFailed` naming `url.path` and the system's reason.
  public static func write(_ data: Data, to url: URL) throws(ImageIOError) {
    let path = url.path
    let folder = url.deletingLastPathComponent().path
    let temporary =
      folder + "/." + url.lastPathComponent + "."
      + String(UInt64.random(in: 0...UInt64.max), radix: 16) + ".tmp"
    func failure(_ action: String) -> ImageIOError {
      .writeFailed(file: path, reason: "\(action): \(String(cString: strerror(errno)))")
    }

    let registration = TemporaryFiles.register(temporary)
    defer { if let registration { TemporaryFiles.withdraw(registration) } }
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard descriptor >= 0 else { throw failure("cannot create a temporary file in \(folder)") }
    var renamed = false
    defer { if !renamed { unlink(temporary) } }
    do {
      defer { close(descriptor) }
      let complete = data.withUnsafeBytes { bytes in
        guard let base = bytes.baseAddress else { return true }
        var offset = 0
        while offset < bytes.count {
          let written = systemWrite(descriptor, base + offset, bytes.count - offset)
          if written < 0 && errno == EINTR { continue }
          guard written > 0 else { return false }
          offset += written
        }
        return true
      }
      guard complete else { throw failure("cannot write \(temporary)") }
      guard fsync(descriptor) == 0 else { throw failure("cannot flush \(temporary)") }
    }
    guard rename(temporary, path) == 0 else { throw failure("cannot rename \(temporary)") }
    renamed = true
  }
}

/// POSIX `write(2)` (the name `write` is taken inside `AtomicFileWriter`).
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
  #if canImport(Glibc)
    Glibc.write(descriptor, bytes, count)
  #else
    Darwin.write(descriptor, bytes, count)
  #endif
}
