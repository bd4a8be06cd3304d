import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The built `advcli` run with its standard error on a pseudo-terminal, as in an interactive
/// shell (so it draws its progress bar), for tests that act on what it prints while it runs.
final class TerminalProcess {
  private let process = Process()
  private let terminal: Int32
  private let outputFolder: URL
  /// Everything read from standard error so far (progress bars with their control sequences).
  private(set) var standardError = ""

  /// Starts `advcli arguments`; standard output goes to a file, standard error to the terminal.
  init(_ arguments: [String]) throws {
    try #require(AdvCLIProcess.isBuilt, "build the CLI first: \(AdvCLIProcess.binary.path)")
    terminal = open("/dev/ptmx", O_RDWR | O_NOCTTY)
    try #require(terminal >= 0, "cannot open /dev/ptmx")
    try #require(PseudoTerminal.grant(terminal) == 0 && PseudoTerminal.unlock(terminal) == 0)
    let name = try #require(PseudoTerminal.name(terminal).map { String(cString: $0) })
    let child = open(name, O_RDWR | O_NOCTTY)
    try #require(child >= 0, "cannot open \(name)")
    // Raw mode: what the process writes arrives as written (no "\n" to "\r\n").
    var attributes = termios()
    tcgetattr(child, &attributes)
    cfmakeraw(&attributes)
    tcsetattr(child, TCSANOW, &attributes)
    outputFolder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "advcli-terminal-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)
    let output = outputFolder.appendingPathComponent("stdout")
    try Data().write(to: output)
    process.executableURL = AdvCLIProcess.binary
    process.arguments = arguments
    process.standardOutput = try FileHandle(forWritingTo: output)
    process.standardError = FileHandle(fileDescriptor: child, closeOnDealloc: true)
    try process.run()
  }

  deinit {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    close(terminal)
    try? FileManager.default.removeItem(at: outputFolder)
  }

  /// Reads standard error until it contains `text`; false if the process ended or `timeout`
  /// seconds passed first.
  func waitForStandardError(containing text: String, timeout: Double) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while !standardError.contains(text) {
      let remaining = deadline.timeIntervalSinceNow
      guard remaining > 0 else { return false }
      switch readTerminal(waiting: min(remaining, 1)) {
      case .read: continue
      case .nothing: if !process.isRunning { return false }
      case .closed: return false
      }
    }
    return true
  }

  /// Sends `signal` to the process, waits up to `timeout` seconds for it to end (reading what it
  /// prints meanwhile, so that it never blocks on a full terminal) and returns its exit status;
  /// nil, after killing it, if it did not end.
  func stop(with signal: Int32, timeout: Double = 30) -> Int32? {
    kill(process.processIdentifier, signal)
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { _ = readTerminal(waiting: 0.1) }
    guard !process.isRunning else {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      return nil
    }
    process.waitUntilExit()
    while readTerminal(waiting: 0.2) == .read {}
    return process.terminationStatus
  }

  private enum ReadResult { case read, nothing, closed }

  /// Appends what the terminal has to `standardError`, waiting up to `seconds` for it.
  private func readTerminal(waiting seconds: Double) -> ReadResult {
    var request = pollfd(fd: terminal, events: Int16(POLLIN), revents: 0)
    let ready = poll(&request, 1, Int32(seconds * 1000))
    guard ready > 0 else { return .nothing }
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = read(terminal, &buffer, buffer.count)
    guard count > 0 else { return .closed }
    standardError += String(decoding: buffer[0..<count], as: UTF8.self)
    return .read
  }

  /// What the process printed to standard output.
  var standardOutput: String {
    (try? String(contentsOf: outputFolder.appendingPathComponent("stdout"), encoding: .utf8)) ?? ""
  }
}

/// The C library's pseudo-terminal calls, which Glibc's module does not export (they need
/// `_XOPEN_SOURCE`), looked up by name.
private enum PseudoTerminal {
  typealias Control = @convention(c) (Int32) -> Int32
  typealias Name = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?

  static let grant = function("grantpt", as: Control.self)
  static let unlock = function("unlockpt", as: Control.self)
  static let name = function("ptsname", as: Name.self)

  private static func function<F>(_ symbol: String, as type: F.Type) -> F {
    guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), symbol) else {
      fatalError("[TerminalProcess] the C library has no \(symbol)")
    }
    return unsafeBitCast(address, to: type)
  }
}
