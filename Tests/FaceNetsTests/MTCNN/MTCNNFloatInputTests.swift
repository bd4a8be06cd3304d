import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// The float pyramid levels and crops: equal to the 8-bit ones on 8-bit values (levels up to
/// their rounding), and their pullbacks.
@Suite struct MTCNNFloatInputTests {
  /// On 8-bit values, the float levels differ from the package's 8-bit levels only by their
  /// rounding: at most half a level (OpenCV's fixed-point INTER_AREA adds up to 2e-5).
  @Test(.enabled(if: SharedData.isAvailable(for: "floatLevelsAreTheEightBitLevelsUnrounded")))
  func floatLevelsAreTheEightBitLevelsUnrounded() throws {
    let photo = try RGBImage(contentsOf: SharedData.url("data/faces/ivan.jpg"))
    let image = Tensor(image: photo)
    let scales = MTCNNPyramid.scales(
      width: photo.width, height: photo.height, minFaceSize: 20, scaleFactor: 0.709)
    #expect(scales.count >= 8)
    for scale in scales {
      let float = MTCNNInput.transposed(
        floats: MTCNNPyramid.resizedLevel(of: image, scale: scale).value)
      let rounded = MTCNNPyramid.level(of: photo, scale: scale)
      #expect(float.shape == rounded.shape)
      let difference = zip(float.scalars, rounded.scalars).map { abs($0 - $1) }.max() ?? 0
      // In normalised units: half a level is 0.5 * 0.0078125.
      #expect(difference <= (0.5 + 2e-5) * 0.0078125, "scale \(scale): \(difference / 0.0078125)")
      #expect(difference > 0.4 * 0.0078125, "scale \(scale): the float level is rounded")
    }
  }

  /// On 8-bit values, the float crops are the 8-bit path's (`MTCNNCrops.batch`), windows past
  /// every border included.
  @Test func floatCropsAreTheEightBitCrops() {
    var generator = SplitMix64(seed: 6)
    let photo = RGBImage(
      width: 23, height: 17, pixels: (0..<(23 * 17 * 3)).map { _ in UInt8(generator.next() % 256) })
    let windows = Self.windows
    let float = MTCNNCrops.batchWithPullback(windows[...], of: Tensor(image: photo), size: 12).value
    #expect(float == MTCNNCrops.batch(windows[...], of: photo, size: 12))
  }

  /// The crops' pullback is the transpose of the crops (a linear map): central differences
  /// agree, including where windows overlap and leave the image.
  @Test func cropGradientMatchesFiniteDifferences() {
    var generator = SplitMix64(seed: 8)
    let image = generator.uniformTensor([1, 17, 23, 3], in: 0...255)
    let windows = Self.windows[...]
    let (value, pullback) = MTCNNCrops.batchWithPullback(windows, of: image, size: 12)
    let upstream = generator.uniformTensor(value.shape)
    let report = checkGradient(
      "float crops", of: { MTCNNCrops.batchWithPullback(windows, of: $0, size: 12).value },
      at: image, upstream: upstream, analytic: pullback(upstream), epsilon: 0.5,
      generator: &generator)
    #expect(report.passes, "\(report)")
  }

  /// A float level's pullback (through the transposition and the INTER_AREA resize): central
  /// differences agree.
  @Test func levelGradientMatchesFiniteDifferences() {
    var generator = SplitMix64(seed: 9)
    let image = generator.uniformTensor([1, 19, 26, 3], in: 0...255)
    let level = { (x: Tensor) in
      MTCNNInput.transposed(floats: MTCNNPyramid.resizedLevel(of: x, scale: 0.6).value)
    }
    let (value, resizePullback) = MTCNNPyramid.resizedLevel(of: image, scale: 0.6)
    #expect(value.shape == [1, 12, 16, 3])
    let upstream = generator.uniformTensor([1, 16, 12, 3])
    let analytic = resizePullback(MTCNNInput.untransposed(gradient: upstream))
    let report = checkGradient(
      "float level", of: level, at: image, upstream: upstream, analytic: analytic, epsilon: 0.5,
      generator: &generator)
    #expect(report.passes, "\(report)")
  }

  /// Windows inside, overlapping and past each border of a 23 x 17 image, smaller and larger
  /// than the 12 x 12 crop.
  static let windows: [MTCNNCrops.Window] = [
    window(x: 2, y: 3, width: 9, height: 9), window(x: 5, y: 4, width: 14, height: 10),
    window(x: -4, y: -3, width: 10, height: 12), window(x: 15, y: 9, width: 12, height: 11),
    window(x: -2, y: 6, width: 30, height: 7),
  ]

  /// The window of `width x height` pixels from 0-based column `x`, row `y`.
  static func window(x: Int, y: Int, width: Int, height: Int) -> MTCNNCrops.Window {
    MTCNNCrops.Window(
      CandidateBox(
        x1: Double(x + 1), y1: Double(y + 1), x2: Double(x + width), y2: Double(y + height),
        score: 0))
  }
}
