import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The one place where FaceAdversary opens an input file (an image, a weights file, a labels file,
/// a dlib model): the path must lead to a regular file no larger than the format can need, and
/// its bytes are mapped, not copied.
///
/// `check(_:maxSize:what:)` is for files another library opens itself (HDF5); `mappedContents`
/// for files parsed in Swift. Both refuse, with an `InputFileError` naming the file:
/// a missing file, a permission problem, a symbolic-link loop, a directory, FIFO, device or
/// socket (reported as "not a regular file", never opened, so a FIFO cannot block), and a size
/// above `maxSize`, from the file's metadata before a byte is read.
///
/// NOTE: a mapped file that another process truncates while it is being parsed makes the
/// process fault (SIGBUS); FaceAdversary's inputs are not expected to change while read.
public enum InputFile {
  /// Checks that `url` is a readable regular file of at most `maxSize` bytes.
  /// - Parameters:
  ///   - url: a file URL.
  ///   - maxSize: the largest size accepted, in bytes.
  ///   - what: what the file is, for the size message (`PNG or JPEG image`, `dlib model file`).
  /// - Returns: the file's size in bytes.
  /// - Throws: `InputFileError`.
  @discardableResult
  public static func check(_ url: URL, maxSize: Int, what: String) throws(InputFileError) -> Int {
    let descriptor = try openRegularFile(url, maxSize: maxSize, what: what)
    defer { close(descriptor.handle) }
    return descriptor.size
  }

  /// The bytes of the file at `url`, mapped read-only (an empty file gives empty data).
  /// - Parameters: as `check(_:maxSize:what:)`.
  /// - Throws: `InputFileError`.
  public static func mappedContents(of url: URL, maxSize: Int, what: String)
    throws(InputFileError) -> Data
  {
    let descriptor = try openRegularFile(url, maxSize: maxSize, what: what)
    defer { close(descriptor.handle) }
    guard descriptor.size > 0 else { return Data() }
    let address = mmap(nil, descriptor.size, PROT_READ, MAP_PRIVATE, descriptor.handle, 0)
    guard let address, address != MAP_FAILED else {
      throw error(errno, url.path, call: "mmap")
    }
    let size = descriptor.size
    return Data(
      bytesNoCopy: address, count: size,
      deallocator: .custom { pointer, _ in _ = munmap(pointer, size) })
  }

  // MARK: - Helpers

  /// An open descriptor of a regular file and its size.
  private struct Descriptor {
    let handle: Int32
    let size: Int
  }

  /// Checks the path with `stat` (so a FIFO is never opened), opens it, and checks again on the
  /// open descriptor (the file cannot be swapped in between).
  private static func openRegularFile(_ url: URL, maxSize: Int, what: String) throws(InputFileError)
    -> Descriptor
  {
    let path = url.path
    var status = stat()
    guard stat(path, &status) == 0 else { throw error(errno, path, call: "stat") }
    try requireRegularFile(status, path)
    let handle = open(path, O_RDONLY | O_CLOEXEC)
    guard handle >= 0 else { throw error(errno, path, call: "open") }
    guard fstat(handle, &status) == 0 else {
      let code = errno
      close(handle)
      throw error(code, path, call: "fstat")
    }
    do throws(InputFileError) {
      try requireRegularFile(status, path)
      let size = Int(status.st_size)
      guard size <= maxSize else {
        throw InputFileError.tooLarge(file: path, size: size, limit: maxSize, what: what)
      }
      return Descriptor(handle: handle, size: size)
    } catch {
      close(handle)
      throw error
    }
  }

  private static func requireRegularFile(_ status: stat, _ path: String) throws(InputFileError) {
    let type = status.st_mode & S_IFMT
    guard type != S_IFREG else { return }
    let kind: String
    switch type {
    case S_IFDIR: kind = "a directory"
    case S_IFIFO: kind = "a FIFO"
    case S_IFCHR: kind = "a character device"
    case S_IFBLK: kind = "a block device"
    case S_IFSOCK: kind = "a socket"
    default: kind = "an unknown kind of file"
    }
    throw .notRegularFile(file: path, kind: kind)
  }

  /// The error for `errno` value `code` set by `call` on `path`.
  private static func error(_ code: Int32, _ path: String, call: String) -> InputFileError {
    switch code {
    case ENOENT, ENOTDIR: return .notFound(file: path)
    case EACCES, EPERM: return .permissionDenied(file: path)
    case ELOOP: return .symbolicLinkLoop(file: path)
    default: return .readFailed(file: path, reason: "\(call): \(String(cString: strerror(code)))")
    }
  }
}
