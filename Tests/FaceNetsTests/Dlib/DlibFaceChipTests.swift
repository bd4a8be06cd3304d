import FaceTensor
import Foundation
import Testing

@testable import FaceNets

/// Chip geometry and the reference 8-bit extractor against dlib 20.0.1: the five chips of
/// `../shared/fixtures/dlib-chips` (PNG, compared byte for byte) and the seeded cases of
/// `Fixtures/dlib/alignment_cases.json` (compared by FNV-1a 64 digest and byte sum).
@Suite struct DlibFaceChipTests {
  @Test(.enabled(if: DlibTestSupport.hasSharedData(for: "chipGeometryMatchesTheFixtures")))
  func chipGeometryMatchesTheFixtures() throws {
    for chip in try DlibChipFixtures.load().chips {
      let details = DlibFaceChipDetails(landmarks: dlibPoints(chip.landmarks5_xy))
      expectRectangle(details, chip.chip_rect_ltrb, angle: chip.chip_angle_rad, label: chip.chip)
      let image = try SharedPhotos.photo(chip.source_image)
      let sampling = DlibChipSampling(
        details: details, imageWidth: image.width, imageHeight: image.height)
      #expect(sampling.pyramidLevels == chip.pyramid_levels_used, "\(chip.chip)")
    }
  }

  @Test(.enabled(if: DlibTestSupport.hasSharedData(for: "extractedChipsAreDlibsChipsBitForBit")))
  func extractedChipsAreDlibsChipsBitForBit() throws {
    for chip in try DlibChipFixtures.load().chips {
      let image = try SharedPhotos.photo(chip.source_image)
      let expected = try RGBImage(
        contentsOf: DlibTestSupport.chipFixtureFolder.appendingPathComponent(chip.chip))
      let found = DlibFaceChipDetails(landmarks: dlibPoints(chip.landmarks5_xy))
        .extractChip(from: image)
      #expect(found.width == 150 && found.height == 150)
      let differing = zip(found.pixels, expected.pixels).filter { $0 != $1 }.count
      #expect(differing == 0, "\(chip.chip): \(differing) of \(expected.pixels.count) bytes differ")
    }
  }

  @Test(.enabled(if: DlibTestSupport.hasSharedData(for: "seededChipsMatchDlib")))
  func seededChipsMatchDlib() throws {
    let cases = try DlibAlignmentCases.load().chip_cases
    for (index, item) in cases.enumerated() {
      let label = "case \(index): \(item.photo) \(item.landmarks_xy)"
      let image = try SharedPhotos.photo(item.photo)
      let details = DlibFaceChipDetails(landmarks: dlibPoints(item.landmarks_xy))
      expectRectangle(details, item.chip_rect_ltrb, angle: item.chip_angle_rad, label: label)
      let sampling = DlibChipSampling(
        details: details, imageWidth: image.width, imageHeight: image.height)
      #expect(sampling.pyramidLevels == item.pyramid_levels, "\(label)")
      let chip = details.extractChip(from: image)
      #expect(DlibTestSupport.fnv1a64(chip.pixels) == item.chip_fnv1a64, "\(label)")
      #expect(chip.pixels.reduce(0) { $0 + Int($1) } == item.chip_byte_sum, "\(label)")
    }
  }

  @Test(.enabled(if: DlibTestSupport.hasSharedData(for: "cropBoxAndMapAgreeWithTheRectangle")))
  func cropBoxAndMapAgreeWithTheRectangle() throws {
    let cases = try DlibAlignmentCases.load().chip_cases
    for item in cases {
      let image = try SharedPhotos.photo(item.photo)
      let details = DlibFaceChipDetails(landmarks: dlibPoints(item.landmarks_xy))
      let sampling = DlibChipSampling(
        details: details, imageWidth: image.width, imageHeight: image.height)
      let box = sampling.cropBox
      guard !box.isEmpty else { continue }
      #expect(box.left >= 0 && box.top >= 0 && box.right < image.width && box.bottom < image.height)
      // The chip's centre pixel maps to the rectangle's centre, in the sampled level's pixels.
      let centre = sampling.chipToSource.apply(x: 74.5, y: 74.5)
      var (x, y) = (
        (details.left + details.right) / 2 - Double(box.left),
        (details.top + details.bottom) / 2 - Double(box.top)
      )
      for _ in 0..<sampling.pyramidLevels {
        (x, y) = (x / 2 - 1.25, y / 2 - 0.75)
      }
      #expect(abs(centre.x - x) < 1e-9 && abs(centre.y - y) < 1e-9)
    }
  }

  @Test func pyramidLevelsMatchDlibsPyramidDown() throws {
    for item in try DlibAlignmentCases.load().pyramid_cases {
      let down = DlibImagePyramid.down(
        RGBImage(width: item.width, height: item.height, pixels: item.rgb))
      #expect(down.width == item.down_width && down.height == item.down_height)
      #expect(down.pixels == item.down_rgb, "\(item.height)x\(item.width)")
    }
  }

  @Test func aChipEntirelyOutsideThePhotoIsBlack() {
    let image = RGBImage(width: 40, height: 30, red: 200, green: 100, blue: 50)
    let details = DlibFaceChipDetails(
      landmarks: dlibPoints([[1070, 500], [1050, 501], [1000, 500], [1020, 501], [1035, 540]]))
    let sampling = DlibChipSampling(details: details, imageWidth: 40, imageHeight: 30)
    #expect(sampling.cropBox.isEmpty)
    #expect(details.extractChip(from: image).pixels.allSatisfy { $0 == 0 })
  }

  private func expectRectangle(
    _ details: DlibFaceChipDetails, _ ltrb: [Double], angle: Double, label: String
  ) {
    // dlib fits the similarity with an SVD; the closed form agrees to about 1e-13 pixels.
    let found = [details.left, details.top, details.right, details.bottom]
    let worst = zip(found, ltrb).map { abs($0 - $1) }.max() ?? .infinity
    #expect(worst < 1e-9, "\(label): rectangle \(found) vs dlib \(ltrb)")
    #expect(abs(details.angle - angle) < 1e-12, "\(label): angle \(details.angle) vs dlib \(angle)")
    #expect(details.size == 150)
  }
}
