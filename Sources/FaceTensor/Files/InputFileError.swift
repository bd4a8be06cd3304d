/// Why an input file could not be opened before its format was even looked at: it is missing,
/// not a regular file, unreadable, or larger than its format can need.
///
/// Every case names the file as given; `description` is one line starting with it and never
/// carries Foundation's or the system's raw error text.
public enum InputFileError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Nothing exists at the path (or a folder on the way is missing or is a file).
  case notFound(file: String)
  /// The file, or a folder on its path, may not be read by this user.
  case permissionDenied(file: String)
  /// Resolving the path runs in a circle of symbolic links.
  case symbolicLinkLoop(file: String)
  /// The path leads to something other than a regular file; `kind` says what (`a directory`,
  /// `a FIFO`, `a character device`, ...).
  case notRegularFile(file: String, kind: String)
  /// The file holds `size` bytes, more than `limit`, the most a `what` can need.
  case tooLarge(file: String, size: Int, limit: Int, what: String)
  /// Any other failure of the system call named in `reason` (an I/O error, too many open files).
  case readFailed(file: String, reason: String)

  /// One line naming the file and the problem: `"\(file): \(reason)"`.
  public var description: String { "\(file): \(reason)" }

  /// The file as given.
  public var file: String {
    switch self {
    case .notFound(let file), .permissionDenied(let file), .symbolicLinkLoop(let file),
      .notRegularFile(let file, _), .tooLarge(let file, _, _, _), .readFailed(let file, _):
      return file
    }
  }

  /// The problem, without the file name (`not a regular file (it is a FIFO)`).
  public var reason: String {
    switch self {
    case .notFound:
      return "no such file"
    case .permissionDenied:
      return "permission denied"
    case .symbolicLinkLoop:
      return "too many levels of symbolic links"
    case .notRegularFile(_, let kind):
      return "not a regular file (it is \(kind))"
    case .tooLarge(_, let size, let limit, let what):
      return "\(size) bytes, more than the \(limit) bytes\(megabytes(limit)) a \(what) can "
        + "need; refused without reading it"
    case .readFailed(_, let reason):
      return "read error: \(reason)"
    }
  }
}

/// ` (N MiB)` for sizes of at least 1 MiB (rounded down), else nothing.
private func megabytes(_ bytes: Int) -> String {
  bytes >= 1 << 20 ? " (\(bytes >> 20) MiB)" : ""
}
