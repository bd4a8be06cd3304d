import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@Suite struct ImageDecodingTests {
  /// The largest difference allowed between a JPEG decode and Pillow's, in levels.
  ///
  /// Pillow 13 decodes with the libjpeg-turbo it bundles, FaceTensor with the system's
  /// libjpeg-turbo 2.1.5; other builds (or IJG libjpeg 9) may round the inverse DCT and the
  /// chroma upsampling differently by a level or so. Here the two agree exactly on every fixture
  /// and on the shared photos (those are compared by hash below). A wrong colour conversion,
  /// orientation or channel order is off by tens of levels and fails. PNG is lossless and is
  /// compared exactly.
  static let jpegTolerance = 2

  @Test(arguments: ImageFixtures.decodeCases)
  func decodesLikePillow(_ fixture: ImageFixtures.DecodeCase) throws {
    let image = try RGBImage(contentsOf: ImageFixtures.url(fixture.file))
    let expected = try fixture.expectedPixels()
    #expect(image.width == fixture.width && image.height == fixture.height)
    try #require(image.pixels.count == expected.count)
    let worst = zip(image.pixels, expected).map { abs(Int($0) - Int($1)) }.max() ?? 0
    if fixture.isJPEG {
      #expect(worst <= Self.jpegTolerance, "largest difference from Pillow: \(worst) levels")
    } else {
      #expect(image.pixels == expected, "largest difference from Pillow: \(worst) levels")
    }
  }

  @Test(arguments: ImageFixtures.decodeCases)
  func decodingDataEqualsDecodingTheFile(_ fixture: ImageFixtures.DecodeCase) throws {
    let url = try ImageFixtures.url(fixture.file)
    let fromData = try RGBImage(data: Data(contentsOf: url), name: fixture.file)
    #expect(fromData == (try RGBImage(contentsOf: url)))
  }

  @Test func exifOrientationsFiveToEightSwapWidthAndHeight() throws {
    let upright = try RGBImage(contentsOf: ImageFixtures.url("jpeg_orientation_1.jpg"))
    #expect(upright.width != upright.height)
    for orientation in 2...8 {
      let image = try RGBImage(contentsOf: ImageFixtures.url("jpeg_orientation_\(orientation).jpg"))
      let swapped = orientation >= 5
      #expect(
        image.width == (swapped ? upright.height : upright.width), "orientation \(orientation)")
      #expect(
        image.height == (swapped ? upright.width : upright.height), "orientation \(orientation)")
    }
  }

  /// Whether every pixel has R == G == B.
  static func channelsAreEqual(_ image: RGBImage) -> Bool {
    let p = image.pixels
    for i in stride(from: 0, to: p.count, by: 3) where p[i] != p[i + 1] || p[i] != p[i + 2] {
      return false
    }
    return true
  }

  @Test func grayJPEGIsReplicatedIntoEqualChannels() throws {
    #expect(Self.channelsAreEqual(try RGBImage(contentsOf: ImageFixtures.url("jpeg_gray.jpg"))))
  }
}
