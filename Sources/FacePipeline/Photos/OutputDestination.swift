import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Whether a file can be created or replaced at a path, checked before any work so that a run
/// that would fail to save its result fails at once, having written nothing.
public enum OutputDestination {
  /// Checks that `url` can take a file: it is a regular file or does not exist, and its folder
  /// exists and is writable; with `creatingFolders`, a missing folder is accepted when the
  /// nearest folder above it that exists is writable (the missing ones can then be created).
  ///
  /// Symbolic links are followed. The check reads the file system only; the write itself may
  /// still fail later (a full disk).
  /// - Throws: `PipelineError.unusableOutput` naming the path and the reason.
  public static func check(_ url: URL, creatingFolders: Bool = false) throws(PipelineError) {
    let path = url.path
    func unusable(_ reason: String) -> PipelineError { .unusableOutput(path: path, reason: reason) }
    switch kind(of: path) {
    case .missing, .regularFile: break
    case .folder: throw unusable("it is a folder")
    case .other: throw unusable("it is not a regular file (a device, FIFO or socket)")
    case .unreachable(let code): throw unusable(String(cString: strerror(code)))
    }
    var folder = url.deletingLastPathComponent().path
    while creatingFolders, kind(of: folder) == .missing {
      let parent = (folder as NSString).deletingLastPathComponent
      guard parent != folder, !parent.isEmpty else { break }
      folder = parent
    }
    switch kind(of: folder) {
    case .folder: break
    case .missing: throw unusable("the folder \(folder) does not exist")
    case .regularFile, .other: throw unusable("\(folder) is not a folder")
    case .unreachable(let code): throw unusable("\(folder): \(String(cString: strerror(code)))")
    }
    guard access(folder, W_OK | X_OK) == 0 else {
      throw unusable("the folder \(folder) is not writable")
    }
  }

  /// What a path names, symbolic links followed; `unreachable` with the `errno` of a failed
  /// `stat` other than a missing file (a symbolic link loop, a folder that cannot be searched).
  private enum Kind: Equatable { case missing, regularFile, folder, other, unreachable(Int32) }

  private static func kind(of path: String) -> Kind {
    var status = stat()
    guard stat(path, &status) == 0 else {
      return errno == ENOENT || errno == ENOTDIR ? .missing : .unreachable(errno)
    }
    switch status.st_mode & S_IFMT {
    case S_IFREG: return .regularFile
    case S_IFDIR: return .folder
    default: return .other
    }
  }
}
