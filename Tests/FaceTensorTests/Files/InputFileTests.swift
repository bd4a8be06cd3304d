import FaceTensor
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `InputFile`, the one place input files are opened: what it refuses (from metadata, before a
/// byte is read) and the message for each, and that the image and HDF5 readers go through it.
@Suite struct InputFileTests {
  /// A fresh temporary folder; the caller removes it.
  static func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "input-file-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }

  /// A file of `size` bytes that holds no data on disk (a hole), made with `truncate`.
  static func sparseFile(at url: URL, size: Int, startingWith prefix: Data = Data()) throws {
    try prefix.write(to: url)
    let handle = try FileHandle(forWritingTo: url)
    try handle.truncate(atOffset: UInt64(size))
    try handle.close()
  }

  @Test func aRegularFileIsMappedWhole() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("bytes.bin")
    let bytes = Data((0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) })
    try bytes.write(to: url)
    #expect(try InputFile.mappedContents(of: url, maxSize: 1000, what: "test file") == bytes)
    #expect(try InputFile.check(url, maxSize: 1000, what: "test file") == 1000)
    let empty = folder.appendingPathComponent("empty.bin")
    try Data().write(to: empty)
    #expect(try InputFile.mappedContents(of: empty, maxSize: 10, what: "test file").isEmpty)
  }

  /// Each kind of path that is not a readable regular file, and its one-line message.
  @Test func whatIsNotARegularFileIsNamed() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let fifo = folder.appendingPathComponent("pipe")
    try #require(mkfifo(fifo.path, 0o600) == 0)
    let loop = folder.appendingPathComponent("loop-a")
    try FileManager.default.createSymbolicLink(
      at: loop, withDestinationURL: folder.appendingPathComponent("loop-b"))
    try FileManager.default.createSymbolicLink(
      at: folder.appendingPathComponent("loop-b"), withDestinationURL: loop)
    let missing = folder.appendingPathComponent("missing.png")
    let underAFile = folder.appendingPathComponent("pipe/inner.png")
    let cases: [(URL, String)] = [
      (folder, "not a regular file (it is a directory)"),
      (fifo, "not a regular file (it is a FIFO)"),
      (URL(fileURLWithPath: "/dev/zero"), "not a regular file (it is a character device)"),
      (loop, "too many levels of symbolic links"),
      (missing, "no such file"),
      (underAFile, "no such file"),
    ]
    for (url, reason) in cases {
      let error = #expect(throws: InputFileError.self) {
        try InputFile.mappedContents(of: url, maxSize: 1 << 20, what: "test file")
      }
      #expect(error?.description == "\(url.path): \(reason)")
    }
  }

  @Test(.enabled(if: geteuid() != 0, "root may read any file"))
  func aFileWithoutReadPermissionIsNamed() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("secret.bin")
    try Data([1, 2, 3]).write(to: url)
    try #require(chmod(url.path, 0) == 0)
    #expect(throws: InputFileError.permissionDenied(file: url.path)) {
      try InputFile.check(url, maxSize: 10, what: "test file")
    }
  }

  @Test func aFileOverTheLimitIsRefusedFromItsSize() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("big.dat")
    try Self.sparseFile(at: url, size: 3 << 30)
    let error = #expect(throws: InputFileError.self) {
      try InputFile.mappedContents(of: url, maxSize: 256 << 20, what: "dlib model file")
    }
    #expect(
      error?.description
        == "\(url.path): 3221225472 bytes, more than the 268435456 bytes (256 MiB) a dlib model "
        + "file can need; refused without reading it")
  }

  /// A valid PNG followed by 2 GiB of zeros is refused by its size, not read.
  @Test func anImageFollowedByGigabytesIsRefused() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("padded.png")
    let png = try RGBImage(width: 4, height: 3, red: 200).pngData()
    try Self.sparseFile(at: url, size: png.count + (2 << 30), startingWith: png)
    let error = #expect(throws: ImageIOError.self) { try RGBImage(contentsOf: url) }
    #expect(
      error?.description
        == "\(url.path): cannot read the file: \(png.count + (2 << 30)) bytes, more than the "
        + "867108864 bytes (826 MiB) a PNG or JPEG image can need; refused without reading it")
  }

  /// The image and HDF5 readers refuse a FIFO without blocking on it, and /dev/zero without
  /// reading it.
  @Test func imageAndHDF5ReadersGoThroughIt() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let fifo = folder.appendingPathComponent("photo.jpg")
    try #require(mkfifo(fifo.path, 0o600) == 0)
    #expect(
      throws: ImageIOError.unreadable(file: fifo.path, reason: "not a regular file (it is a FIFO)")
    ) { try RGBImage(contentsOf: fifo) }
    let zero = URL(fileURLWithPath: "/dev/zero")
    #expect(
      throws: HDF5Error.unusableFile(.notRegularFile(file: zero.path, kind: "a character device"))
    ) { try HDF5File(contentsOf: zero) }
  }
}
