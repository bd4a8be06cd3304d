import Crypto
import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// The image pyramid against the package's (`stages.json`): the same scales to the last bit, the
/// same level sizes, and levels with the same 8-bit pixels.
@Suite struct MTCNNPyramidTests {
  @Test func scalesAndLevelSizesEqualThePackages() throws {
    let stages = try MTCNNFixtures.stages()
    #expect(!stages.images.isEmpty)
    for (name, reference) in stages.images.sorted(by: { $0.key < $1.key }) {
      let scales = MTCNNPyramid.scales(
        width: reference.width, height: reference.height, minFaceSize: 20, scaleFactor: 0.709)
      #expect(scales == reference.scales, "\(name)")
      for (scale, level) in zip(scales, reference.levels) {
        let size = MTCNNPyramid.levelSize(
          width: reference.width, height: reference.height, scale: scale)
        #expect([size.width, size.height] == level.size, "\(name) at scale \(scale)")
      }
    }
  }

  @Test(.enabled(if: MTCNNFixtures.hasPhotos(for: "levelsHaveThePackagesPixels")))
  func levelsHaveThePackagesPixels() throws {
    let detections = try MTCNNFixtures.detections()
    let stages = try MTCNNFixtures.stages()
    for (name, reference) in stages.images.sorted(by: { $0.key < $1.key }) {
      let photo = try MTCNNFixtures.photo(#require(detections.images[name]))
      for level in reference.levels {
        let resized = photo.resized(width: level.size[0], height: level.size[1], method: .area)
        let digest = SHA256.hash(data: resized.pixels).map { String(format: "%02x", $0) }.joined()
        #expect(digest == level.sha256, "\(name) level \(level.size)")
      }
    }
  }

  /// The two resizes the detector relies on against `cv2.resize(..., INTER_AREA)`: 8-bit levels
  /// bit-exact, and float crops (read as `MTCNNCrops` reads them) equal to OpenCV's float64
  /// result rounded to float32, shrinking, enlarging and mixed.
  @Test func resizesMatchOpenCV() throws {
    let examples = try MTCNNFixtures.stages().resizeExamples.cases
    #expect(
      examples.contains { $0.dtype == "uint8" } && examples.contains { $0.dtype == "float64" })
    for example in examples {
      let (height, width) = (example.sourceShape[0], example.sourceShape[1])
      let (newHeight, newWidth) = (example.destinationShape[0], example.destinationShape[1])
      let image = RGBImage(width: width, height: height, pixels: example.source.map { UInt8($0) })
      if example.dtype == "uint8" {
        let resized = image.resized(width: newWidth, height: newHeight, method: .area)
        #expect(resized.pixels.map(Double.init) == example.destination, "\(example.name)")
      } else {
        let window = MTCNNCrops.Window(
          CandidateBox(x1: 1, y1: 1, x2: Double(width), y2: Double(height), score: 0))
        let resized = MTCNNCrops.floats(of: window, in: image)
          .resized(width: newWidth, height: newHeight, method: .area)
        #expect(resized.scalars == example.destination.map { Float($0) }, "\(example.name)")
      }
    }
  }

  @Test func imageSmallerThanTheMinimumFaceHasNoLevels() {
    #expect(
      MTCNNPyramid.scales(width: 400, height: 19, minFaceSize: 20, scaleFactor: 0.709).isEmpty)
    #expect(
      MTCNNPyramid.scales(width: 20, height: 20, minFaceSize: 20, scaleFactor: 0.709) == [0.6])
  }

  @Test func levelsAreCappedWhateverTheFactor() throws {
    // The widest valid case: the largest factor and the smallest face on a 32,768-pixel side.
    let range = MTCNNOptions.scaleFactorRange
    let widest = MTCNNPyramid.scales(
      width: 32_768, height: 32_768, minFaceSize: MTCNNOptions.smallestMinFaceSize,
      scaleFactor: range.upperBound)
    #expect(widest.count == 176 && widest.count < MTCNNPyramid.maximumLevels)
    // An unchecked factor near 1 would build levels without end; the cap stops it.
    let unchecked = MTCNNPyramid.scales(
      width: 1000, height: 1000, minFaceSize: 20, scaleFactor: 0.99999999)
    #expect(unchecked.count == MTCNNPyramid.maximumLevels)
    let (first, last) = (try #require(unchecked.first), try #require(unchecked.last))
    #expect(last < first)
  }

  @Test func transposedLevelPutsImageXOnAxisOne() {
    // 3 wide, 2 high; pixel (x, y) has red 10 * x + y.
    var image = RGBImage(width: 3, height: 2)
    for y in 0..<2 {
      for x in 0..<3 { image[x, y] = (UInt8(10 * x + y), 0, 255) }
    }
    let input = MTCNNInput.transposed(image)
    #expect(input.shape == [1, 3, 2, 3])
    for x in 0..<3 {
      for y in 0..<2 {
        let i = (x * 2 + y) * 3
        #expect(input.scalars[i] == Float((Double(10 * x + y) - 127.5) * 0.0078125))
        #expect(input.scalars[i + 2] == 0.99609375)
      }
    }
  }
}
