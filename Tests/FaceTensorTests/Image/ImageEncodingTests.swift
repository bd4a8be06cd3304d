import FaceTensor
import FaceTestSupport
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct ImageEncodingTests {
  /// Seeded random pixels: the hardest case for a lossy codec and a thorough one for a lossless one.
  static func noise(width: Int, height: Int, seed: UInt64) -> RGBImage {
    var generator = SplitMix64(seed: seed)
    let pixels = (0..<(width * height * 3)).map { _ in UInt8.random(in: 0...255, using: &generator)
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  /// A smooth photo-like picture (gradients and a soft disc), what JPEG is made for.
  static func smooth(width: Int, height: Int) -> RGBImage {
    var image = RGBImage(width: width, height: height)
    for y in 0..<height {
      for x in 0..<width {
        let (u, v) = (Double(x) / Double(width - 1), Double(y) / Double(height - 1))
        let disc = exp(-((u - 0.4) * (u - 0.4) + (v - 0.6) * (v - 0.6)) * 12)
        image[x, y] = (UInt8(40 + 180 * u), UInt8(30 + 200 * v), UInt8(60 + 180 * disc))
      }
    }
    return image
  }

  /// Mean absolute difference per byte, in levels.
  static func meanError(_ a: RGBImage, _ b: RGBImage) -> Double {
    Double(zip(a.pixels, b.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) })
      / Double(a.pixels.count)
  }

  /// A new empty folder under the system's temporary directory.
  static func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("faceadversary-image-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test(arguments: [(1, 1), (2, 3), (37, 23), (64, 48)])
  func pngRoundTripIsExact(width: Int, height: Int) throws {
    let image = Self.noise(width: width, height: height, seed: UInt64(width * 1000 + height))
    let data = try image.pngData()
    #expect(ImageFormat(signatureOf: data) == .png)
    #expect(try RGBImage(data: data, name: "round trip") == image)
  }

  @Test func jpegAtHighQualityIsCloseAndLowQualityIsSmallerAndWorse() throws {
    let image = Self.smooth(width: 64, height: 48)
    let best = try image.jpegData(quality: 95)
    let worst = try image.jpegData(quality: 10)
    #expect(ImageFormat(signatureOf: best) == .jpeg)
    let decodedBest = try RGBImage(data: best, name: "q95")
    let decodedWorst = try RGBImage(data: worst, name: "q10")
    #expect(decodedBest.width == 64 && decodedBest.height == 48)
    let (bestError, worstError) = (
      Self.meanError(image, decodedBest), Self.meanError(image, decodedWorst)
    )
    #expect(bestError < 1.5, "quality 95: mean error \(bestError) levels")
    #expect(worstError > bestError, "quality 10: \(worstError), quality 95: \(bestError)")
    #expect(worst.count < best.count)
  }

  @Test func jpegLargerThanTheEncodersFirstBufferRoundTrips() throws {
    // Noise at quality 95 compresses poorly: the file outgrows the encoder's initial 64 KiB.
    let image = Self.noise(width: 300, height: 200, seed: 9)
    let data = try image.jpegData(quality: 95)
    #expect(data.count > 65536)
    let decoded = try RGBImage(data: data, name: "noise q95")
    #expect(decoded.width == 300 && decoded.height == 200)
  }

  @Test func encodingAnEmptyImageFails() {
    let empty = RGBImage(width: 0, height: 0)
    #expect(throws: ImageIOError.self) { try empty.pngData() }
    #expect(throws: ImageIOError.self) { try empty.jpegData(quality: 90) }
  }

  @Test func writeCreatesOnlyTheFileAndReplacesAnOldOne() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("out.png")
    let first = Self.noise(width: 9, height: 7, seed: 1)
    let second = Self.noise(width: 5, height: 4, seed: 2)
    try first.writePNG(to: url)
    #expect(try RGBImage(contentsOf: url) == first)
    try second.writePNG(to: url)
    #expect(try RGBImage(contentsOf: url) == second)
    let jpeg = folder.appendingPathComponent("out.jpg")
    try Self.smooth(width: 16, height: 16).writeJPEG(to: jpeg, quality: 90)
    #expect(ImageFormat(signatureOf: try Data(contentsOf: jpeg)) == .jpeg)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [
        "out.jpg", "out.png",
      ])
  }

  @Test func writingIntoAMissingFolderFailsAndCreatesNothing() throws {
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("missing/out.png")
    let error = #expect(throws: ImageIOError.self) {
      try Self.noise(width: 3, height: 3, seed: 3).writePNG(to: url)
    }
    #expect(error?.description.hasPrefix(url.path + ": cannot write the image: ") == true)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
  }

  @Test func failedRenameLeavesNoTemporaryFile() throws {
    // The destination is an existing folder: the temporary file is created and written, the
    // rename fails, and the temporary file must be removed again.
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let destination = folder.appendingPathComponent("taken.png")
    try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: false)
    try Data("keep".utf8).write(to: destination.appendingPathComponent("inside.txt"))
    #expect(throws: ImageIOError.self) {
      try Self.noise(width: 3, height: 3, seed: 4).writePNG(to: destination)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["taken.png"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: destination.path) == ["inside.txt"])
  }

  // Root ignores directory permissions, so this check only means something for other users.
  @Test(.enabled(if: geteuid() != 0, "root can write into a read-only folder"))
  func writingIntoAReadOnlyFolderFailsAndLeavesNothing() throws {
    let folder = try Self.temporaryFolder()
    defer {
      chmod(folder.path, 0o755)
      try? FileManager.default.removeItem(at: folder)
    }
    #expect(chmod(folder.path, 0o555) == 0)
    let url = folder.appendingPathComponent("out.png")
    #expect(throws: ImageIOError.self) {
      try Self.noise(width: 3, height: 3, seed: 5).writePNG(to: url)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
  }
}
