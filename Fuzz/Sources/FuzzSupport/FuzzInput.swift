import Foundation

/// Helpers shared by the fuzz targets: every target feeds one parser one input and returns 0;
/// the parser may throw its typed error (that is the expected outcome for most inputs) but must
/// never trap, hang or allocate without bound.
public enum FuzzInput {
  /// The input libFuzzer passes, as bytes (`size` may be 0 with a nil pointer).
  public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
  }

  /// Writes `bytes` to this process's scratch file ending in `suffix` (one per suffix, reused
  /// across inputs, in `$TMPDIR` or /tmp) and calls `body` with its URL, for parsers that read
  /// only from files (HDF5, the label loaders).
  public static func withFile(
    _ data: UnsafePointer<UInt8>?, _ size: Int, suffix: String, _ body: (URL) -> Void
  ) {
    let folder =
      ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 }
      ?? "/tmp"
    let url = URL(fileURLWithPath: folder)
      .appendingPathComponent("faceadversary-fuzz-\(getpid())\(suffix)")
    let written = FileManager.default.createFile(
      atPath: url.path, contents: Data(bytes(data, size)))
    precondition(written, "fuzz: cannot write \(url.path)")
    body(url)
  }
}
