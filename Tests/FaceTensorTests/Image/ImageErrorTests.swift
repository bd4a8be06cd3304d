import FaceTensor
import Foundation
import Testing

@Suite struct ImageErrorTests {
  /// The library messages the corrupt and unsupported fixtures produce, verbatim (libpng 1.6.39,
  /// libjpeg-turbo 2.1.5).
  static let libraryMessages = [
    "bad_crc.png": "IDAT: CRC error",
    "bad_zlib.png": "IDAT: invalid block type",
    "corrupt_scan.jpg": "Corrupt JPEG data: premature end of data segment",
    "precision12.jpg": "Unsupported JPEG data precision 12",
  ]

  /// The error each bad fixture must give (from the script's manifest and the table above).
  static func expectedError(for bad: ImageFixtures.BadFile, path: String) throws -> ImageIOError {
    let format = bad.format.flatMap(ImageFormat.init(rawValue:))
    switch bad.error {
    case "notAnImage":
      return .notAnImage(file: path)
    case "truncated":
      return .truncated(file: path, format: try #require(format))
    case "corrupt":
      let message = try #require(libraryMessages[bad.file], "no message listed for \(bad.file)")
      return .corrupt(file: path, format: try #require(format), message: message)
    case "unsupportedVariant":
      let message = try #require(libraryMessages[bad.file], "no message listed for \(bad.file)")
      return .unsupportedVariant(file: path, format: try #require(format), message: message)
    case "tooLarge":
      return .tooLarge(
        file: path, width: try #require(bad.width), height: try #require(bad.height),
        limits: .default)
    default:
      throw ImageFixtures.Missing(description: "unknown expected error \(bad.error)")
    }
  }

  @Test(arguments: ImageFixtures.badFiles)
  func badFileGivesItsTypedErrorNamingTheFile(_ bad: ImageFixtures.BadFile) throws {
    let url = try ImageFixtures.url(bad.file)
    let expected = try Self.expectedError(for: bad, path: url.path)
    #expect(throws: expected) { try RGBImage(contentsOf: url) }
    #expect(expected.description.hasPrefix(url.path + ": "))
    let name = "memory:" + bad.file
    let fromData = try Self.expectedError(for: bad, path: name)
    #expect(throws: fromData) { try RGBImage(data: Data(contentsOf: url), name: name) }
  }

  @Test func messagesAreOneLineAndSayWhatIsWrong() {
    let limits = ImageLimits.default
    let table: [(ImageIOError, String)] = [
      (.fileNotFound(file: "a.png"), "a.png: no such file"),
      (
        .unreadable(file: "d", reason: "it is a directory"),
        "d: cannot read the file: it is a directory"
      ),
      (
        .notAnImage(file: "t.txt"),
        "t.txt: not an image (the data starts with neither a PNG nor a JPEG signature)"
      ),
      (
        .truncated(file: "h.jpg", format: .jpeg),
        "h.jpg: truncated JPEG data: the file ends before the image is complete"
      ),
      (
        .corrupt(file: "c.png", format: .png, message: "IDAT: CRC error"),
        "c.png: the PNG decoder rejected the data: IDAT: CRC error"
      ),
      (
        .unsupportedVariant(
          file: "x.jpg", format: .jpeg, message: "Unsupported JPEG data precision 12"),
        "x.jpg: unsupported JPEG variant: Unsupported JPEG data precision 12"
      ),
      (
        .tooLarge(file: "huge.png", width: 40000, height: 40000, limits: limits),
        "huge.png: the header declares 40000x40000 pixels, over the limit of 100000000 pixels "
          + "and 32768 per side; the image was not decoded"
      ),
      (
        .writeFailed(file: "o.png", reason: "No such file or directory"),
        "o.png: cannot write the image: No such file or directory"
      ),
    ]
    for (error, message) in table {
      #expect(error.description == message)
    }
  }

  @Test func hugeDeclaredSizeIsRefusedBeforeDecoding() throws {
    // 40000x40000 RGB would need 4.8 GB; the header check refuses it at once. Without the check
    // the decoder would either allocate that or fail later with `.truncated`.
    for name in ["huge.png", "huge.jpg"] {
      let url = try ImageFixtures.url(name)
      let clock = ContinuousClock()
      let elapsed = clock.measure {
        #expect(throws: ImageIOError.self) { try RGBImage(contentsOf: url) }
      }
      #expect(elapsed < .seconds(1), "\(name) took \(elapsed)")
    }
  }

  @Test func limitsAcceptTheirOwnSizeAndRefuseOneMore() throws {
    let fixture = try #require(ImageFixtures.decodeCases.first { $0.file == "png_rgb8.png" })
    let url = try ImageFixtures.url(fixture.file)
    let (width, height) = (fixture.width, fixture.height)
    let exact = ImageLimits(maxPixels: width * height, maxSide: max(width, height))
    #expect(try RGBImage(contentsOf: url, limits: exact).width == width)
    for limits in [
      ImageLimits(maxPixels: width * height - 1, maxSide: exact.maxSide),
      ImageLimits(maxPixels: exact.maxPixels, maxSide: max(width, height) - 1),
    ] {
      #expect(
        throws: ImageIOError.tooLarge(file: url.path, width: width, height: height, limits: limits)
      ) {
        try RGBImage(contentsOf: url, limits: limits)
      }
    }
  }

  @Test func missingFileAndDirectoryAreReported() throws {
    let folder = try ImageFixtures.folder()
    let missing = folder.appendingPathComponent("no_such_file.png")
    #expect(throws: ImageIOError.fileNotFound(file: missing.path)) {
      try RGBImage(contentsOf: missing)
    }
    #expect(
      throws: ImageIOError.unreadable(
        file: folder.path, reason: "not a regular file (it is a directory)")
    ) { try RGBImage(contentsOf: folder) }
  }
}
