import FacePipeline

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What advcli does on SIGINT and SIGTERM: remove the temporary file of any output being written
/// (`TemporaryFiles`), say so in one line on standard error, and exit with 128 + the signal's
/// number (130, 143), as a shell reports a process the signal ended.
///
/// Outputs are written atomically (a temporary file, then a rename), so a complete output from
/// before the signal stays, and no partial one is ever visible. The handler does only
/// async-signal-safe work: atomic loads, `unlink`, `write` and `_exit`.
enum SignalCleanup {
  /// Installs the handler for SIGINT and SIGTERM, and unblocks both in the calling thread.
  ///
  /// A parent may have started the process with them blocked. A signal the process was
  /// started with ignored (a background job's SIGINT) stays ignored.
  static func install() {
    TemporaryFiles.prepare()
    _ = clearsProgressBar
    var handled = sigset_t()
    sigemptyset(&handled)
    for number in [SIGINT, SIGTERM] {
      let previous = signal(number, handle)
      if let previous, unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
      {
        signal(number, previous)
      } else {
        sigaddset(&handled, number)
      }
    }
    pthread_sigmask(SIG_UNBLOCK, &handled, nil)
  }

  /// Whether standard error is a terminal, where a progress bar may be drawn on the last line.
  private static let clearsProgressBar = StandardError.isTerminal

  /// The handler: remove the temporary files, report, exit.
  private static let handle: @convention(c) (Int32) -> Void = { number in
    TemporaryFiles.removeAll()
    if clearsProgressBar {
      let clear: StaticString = "\r\u{1B}[2K"
      _ = write(STDERR_FILENO, clear.utf8Start, clear.utf8CodeUnitCount)
    }
    let message: StaticString =
      number == SIGINT
      ? "advcli: interrupted (SIGINT); no partial output left\n"
      : "advcli: terminated (SIGTERM); no partial output left\n"
    _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
    _exit(128 + number)
  }
}
