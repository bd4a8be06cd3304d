import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// The differentiable chip (`DlibPyramidDown`, `DlibFaceChipLayer`) against dlib 20.0.1's 8-bit
/// pyramid and chips, and its adjoint against finite differences.
@Suite struct DlibChipLayerTests {
  @Test func pyramidLevelsAreDlibsBeforeItsFloor() throws {
    for item in try DlibAlignmentCases.load().pyramid_cases {
      let input = Tensor(
        shape: [1, item.height, item.width, 3], scalars: item.rgb.map(Float.init))
      let down = DlibPyramidDown()(input)
      #expect(down.shape == [1, item.down_height, item.down_width, 3])
      // The float sums are exact: dlib's level is their floor, and the fraction is k / 256.
      let floored = down.scalars.map { UInt8($0.rounded(.down)) }
      #expect(floored == item.down_rgb, "\(item.height)x\(item.width)")
      #expect(down.scalars.allSatisfy { ($0 * 256).rounded() == $0 * 256 })
    }
  }

  @Test func smallImagesHaveNoPyramidLevel() {
    let level = DlibPyramidDown()(Tensor(repeating: 1, shape: [2, 8, 20, 3]))
    #expect(level.shape == [2, 0, 0, 3])
    let (_, pullback) = DlibPyramidDown().valueWithPullback(
      at: Tensor(repeating: 1, shape: [1, 20, 8, 1]), scope: .input)
    #expect(pullback(Tensor(zeros: [1, 0, 0, 1])).input == Tensor(zeros: [1, 20, 8, 1]))
  }

  @Test(arguments: [(2, 11, 13, 2), (1, 9, 10, 3), (1, 16, 9, 1)])
  func pyramidDownGradientMatchesFiniteDifferences(_ shape: (Int, Int, Int, Int)) {
    var generator = SplitMix64(seed: 0x9D0)
    let x = Tensor(
      shape: [shape.0, shape.1, shape.2, shape.3],
      scalars: (0..<(shape.0 * shape.1 * shape.2 * shape.3)).map { _ in generator.uniform() })
    let (y, pullback) = DlibPyramidDown().valueWithPullback(at: x, scope: .input)
    let dy = Tensor(shape: y.shape, scalars: (0..<y.count).map { _ in generator.uniform() })
    let report = checkGradient(
      "DlibPyramidDown", of: { DlibPyramidDown()($0) }, at: x, upstream: dy,
      analytic: pullback(dy).input, generator: &generator)
    #expect(report.passes, "\(report)")
  }

  @Test func chipGradientMatchesFiniteDifferencesThroughTwoPyramidLevels() {
    let (layer, photo) = Self.smallChip(angle: 0.3)
    #expect(layer.sampling.pyramidLevels == 2)
    var generator = SplitMix64(seed: 0xC41B)
    let (chip, pullback) = layer.valueWithPullback(at: photo, scope: .input)
    #expect(chip.shape == [2, 12, 12, 3])
    let dy = Tensor(shape: chip.shape, scalars: (0..<chip.count).map { _ in generator.uniform() })
    let analytic = pullback(dy).input
    let report = checkGradient(
      "DlibFaceChipLayer", of: { layer($0) }, at: photo, upstream: dy, analytic: analytic,
      epsilon: 4, generator: &generator)
    #expect(report.passes, "\(report)")
    // Negative control: the gradient of the photo mirrored top-bottom fails the same check.
    let wrong = Tensor(
      shape: analytic.shape,
      scalars: (0..<analytic.count).map { i in
        let (row, rest) = ((i / (photo.shape[2] * 3)) % photo.shape[1], i % (photo.shape[2] * 3))
        let image = i / (photo.shape[1] * photo.shape[2] * 3)
        let mirroredRow = photo.shape[1] - 1 - row
        return analytic.scalars[
          (image * photo.shape[1] + mirroredRow) * photo.shape[2] * 3 + rest]
      })
    let control = checkGradient(
      "mirrored", of: { layer($0) }, at: photo, upstream: dy, analytic: wrong, epsilon: 4,
      generator: &generator)
    #expect(!control.passes)
  }

  @Test func pixelsOutsideTheCropBoxDoNotReachTheChip() {
    let (layer, photo) = Self.smallChip(angle: -0.2)
    let box = layer.cropBox
    #expect(!box.isEmpty && (box.left > 0 || box.top > 0))
    let (chip, pullback) = layer.valueWithPullback(at: photo, scope: .input)
    let gradient = pullback(Tensor(repeating: 1, shape: chip.shape)).input
    var changed = photo
    let (h, w) = (photo.shape[1], photo.shape[2])
    changed.withUnsafeMutableBufferPointer { p in
      for n in 0..<2 {
        for y in 0..<h {
          for x in 0..<w where !(box.left...box.right ~= x && box.top...box.bottom ~= y) {
            for k in 0..<3 {
              let i = ((n * h + y) * w + x) * 3 + k
              p[i] = 255 - p[i]
              #expect(gradient.scalars[i] == 0)
            }
          }
        }
      }
    }
    #expect(layer(changed) == chip)
  }

  @Test func aChipOutsideThePhotoIsBlackWithZeroGradient() {
    let details = DlibFaceChipDetails(
      left: 500, top: 400, right: 600, bottom: 500, angle: 0.1, size: 20)
    let layer = DlibFaceChipLayer(details: details, imageWidth: 40, imageHeight: 30)
    let photo = Tensor(repeating: 100, shape: [1, 30, 40, 3])
    let (chip, pullback) = layer.valueWithPullback(at: photo, scope: .input)
    #expect(layer.cropBox.isEmpty)
    #expect(chip == Tensor(zeros: [1, 20, 20, 3]))
    #expect(pullback(Tensor(repeating: 1, shape: chip.shape)).input == Tensor(zeros: photo.shape))
  }

  @Test(
    .enabled(if: DlibTestSupport.hasSharedData(for: "floatChipsAreDlibsChipsBeforeItsRounding")))
  func floatChipsAreDlibsChipsBeforeItsRounding() throws {
    for chip in try DlibChipFixtures.load().chips {
      let image = try SharedPhotos.photo(chip.source_image)
      let expected = try RGBImage(
        contentsOf: DlibTestSupport.chipFixtureFolder.appendingPathComponent(chip.chip))
      let layer = DlibFaceChipLayer(
        details: DlibFaceChipDetails(landmarks: dlibPoints(chip.landmarks5_xy)),
        imageWidth: image.width, imageHeight: image.height)
      let found = layer(Tensor(image: image)).scalars
      let differences = zip(found, expected.pixels).map { Double($0) - Double($1) }
      // dlib truncates each chip value (drops less than 1) and floors each pyramid level (drops
      // less than 1 per level, bilinear weights summing to 1): the float chip is above dlib's by
      // [0, 1 + levels), up to Float-versus-Double rounding (1e-3 either side).
      let bound = 1 + Double(chip.pyramid_levels_used)
      let (low, high) = (differences.min() ?? .nan, differences.max() ?? .nan)
      #expect(
        low > -1e-3 && high < bound + 1e-3, "\(chip.chip): float - dlib in [\(low), \(high)]")
      if chip.pyramid_levels_used == 0 {
        // Truncated, the float chip is dlib's except where the value is within Float rounding
        // of a whole level (uniform areas give whole levels exactly in Double).
        let truncated = found.map { UInt8($0) }
        let differing = zip(truncated, expected.pixels).filter { $0 != $1 }.count
        #expect(
          differing * 1000 < expected.pixels.count,
          "\(chip.chip): \(differing) truncated bytes differ from dlib's")
      }
    }
  }

  /// A 12x12 chip of a seeded 2-image photo batch (90x100) whose rectangle needs two pyramid
  /// levels and crosses the photo's top border.
  private static func smallChip(angle: Double) -> (DlibFaceChipLayer, Tensor) {
    let (height, width) = (90, 100)
    var generator = SplitMix64(seed: 0x5EED)
    let photo = Tensor(
      shape: [2, height, width, 3],
      scalars: (0..<(2 * height * width * 3)).map { _ in generator.uniform(0...255) })
    let details = DlibFaceChipDetails(
      left: 30, top: -8, right: 88.5, bottom: 50.5, angle: angle, size: 12)
    return (DlibFaceChipLayer(details: details, imageWidth: width, imageHeight: height), photo)
  }
}
