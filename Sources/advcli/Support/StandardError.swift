import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Text written to the process's standard error (progress and error messages; results go to
/// standard output).
struct StandardError: TextOutputStream {
  mutating func write(_ string: String) {
    FileHandle.standardError.write(Data(string.utf8))
  }

  /// Whether standard error is a terminal (progress bars are drawn only then).
  static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
