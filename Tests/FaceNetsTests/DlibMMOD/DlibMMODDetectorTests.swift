import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// The detector built from the installed `mmod_human_face_detector.dat` (a missing file fails
/// the tests that need it, naming `make setup`).
enum InstalledMMODDetector {
  static let url = DlibTestSupport.mmodURL

  static let loaded: Result<DlibMMODFaceDetector, DlibFormatError> = Result {
    () throws(DlibFormatError) in try DlibMMODFaceDetector(contentsOf: url)
  }

  static func detector() throws -> DlibMMODFaceDetector {
    _ = try MissingModelFile.check(url)
    return try loaded.get()
  }
}

/// The detector's network, decoding and gradient, independent of dlib's reference outputs.
@Suite struct DlibMMODDetectorTests {
  @Test func outputPositionsAreEightPixelsApartFromFourteen() throws {
    let detector = try InstalledMMODDetector.detector()
    let mapping = detector.decoding.outputToInput
    #expect(mapping.scale == 8 && mapping.offset == 14)
    #expect(detector.smallestTiledSide == 29)
    #expect(detector.window == DlibMMODWindow(width: 80, height: 80))
  }

  @Test func theScoreMapIsAnEighthOfTheTiledImage() throws {
    let detector = try InstalledMMODDetector.detector()
    var g = SplitMix64(seed: 41)
    let map = detector.scoreMap(of: g.uniformTensor([1, 60, 72, 3], in: 0...255))
    // Three valid 5x5 stride-2 convolutions, then same-size ones.
    let size = { (n: Int) in (((n - 5) / 2 + 1 - 5) / 2 + 1 - 5) / 2 + 1 }
    #expect(map.scores.shape == [1, size(map.layout.rows), size(map.layout.columns), 1])
  }

  @Test func theEightBitPathScoresAsTheFloatPath() throws {
    let detector = try InstalledMMODDetector.detector()
    var g = SplitMix64(seed: 42)
    let image = RGBImage(
      width: 90, height: 70, pixels: (0..<(90 * 70 * 3)).map { _ in UInt8(g.next() % 256) })
    let bytes = detector.scoreMap(of: image, upsample: 0)
    let floats = detector.scoreMap(of: Tensor(image: image))
    #expect(bytes.layout == floats.layout)
    #expect(bytes.scores.count > 0 && bytes.scores == floats.scores)
  }

  /// The geometry names the map's shape and layout without running the network, as
  /// `scoreMap` gives them, also for images too small for it and for none.
  @Test(arguments: [(90, 70), (200, 31), (20, 15), (5, 3), (0, 0)])
  func theGeometryIsTheScoreMapsShapeAndLayout(_ width: Int, _ height: Int) throws {
    let detector = try InstalledMMODDetector.detector()
    let image = RGBImage(width: width, height: height)
    for upsample in [0, 1] {
      let map = detector.scoreMap(of: image, upsample: upsample)
      let geometry = detector.scoreMapGeometry(width: width, height: height, upsample: upsample)
      #expect(geometry.scores.shape == map.scores.shape, "\(width)x\(height), upsample \(upsample)")
      #expect(geometry.layout == map.layout)
    }
  }

  @Test func anImageTooSmallForTheNetworkHasNoScores() throws {
    let detector = try InstalledMMODDetector.detector()
    let tiny = RGBImage(width: 3, height: 2)
    #expect(detector.detect(in: tiny, upsample: 0).isEmpty)
    #expect(detector.scoreMap(of: Tensor(zeros: [1, 2, 3, 3])).scores.count == 0)
  }

  @Test func overlappingWindowsKeepTheBestAndSeparateOnesBoth() {
    let decoding = DlibMMODDecoding(
      window: DlibMMODWindow(width: 80, height: 80),
      overlap: DlibBoxOverlap(iouThreshold: 0.3382761351109955, percentCoveredThreshold: 1),
      outputToInput: (8, 14))
    let layout = DlibTiledPyramidLayout(width: 400, height: 300)
    // Positions (10, 10) and (11, 10) overlap (windows 8 pixels apart); (30, 10) does not.
    var scores = Tensor(repeating: -1, shape: [1, 40, 52, 1])
    scores[0, 10, 10, 0] = 0.5
    scores[0, 10, 11, 0] = 0.8
    scores[0, 10, 30, 0] = 0.3
    let found = decoding.detections(in: scores, layout: layout, threshold: 0)
    #expect(found.map(\.confidence) == [Double(Float(0.8)), Double(Float(0.3))])
    // Centre of (11, 10): x = 8 * 11 + 14 = 102, y = 94 in the tiled image; level 0 starts at
    // (11, 11); corners -+39.5, rounded half away from zero.
    #expect(found[0].rectangle == DlibRectangle(left: 52, top: 44, right: 131, bottom: 123))
    #expect(decoding.detections(in: scores, layout: layout, threshold: 0.6).count == 1)
  }

  /// `rectangle(atRow:column:of:upsampledTimes:)` names the rectangle a position's detection has,
  /// whatever its score, at level 0 and mapped back through upsampling.
  @Test func aPositionsRectangleIsTheRectangleItsDetectionReports() throws {
    let detector = try InstalledMMODDetector.detector()
    var scores = Tensor(repeating: -1, shape: [1, 40, 52, 1])
    scores[0, 10, 11, 0] = 0.8
    scores[0, 25, 3, 0] = 0.2
    let map = DlibMMODScoreMap(
      scores: scores, layout: DlibTiledPyramidLayout(width: 400, height: 300))
    for upsample in [0, 1, 2] {
      let found = detector.detections(in: map, upsampledTimes: upsample)
      #expect(
        found.map(\.rectangle)
          == [(10, 11), (25, 3)].map {
            detector.rectangle(atRow: $0.0, column: $0.1, of: map, upsampledTimes: upsample)
          })
    }
    #expect(
      detector.rectangle(atRow: 10, column: 11, of: map)
        == DlibRectangle(left: 52, top: 44, right: 131, bottom: 123))
    // A position below the threshold still has its window.
    #expect(detector.rectangle(atRow: 10, column: 10, of: map).left == 44)
  }

  /// The gradient of the highest score with respect to the pixels, along random directions.
  ///
  /// That score is what an attack on the detector pushes down, through the network, the tiled
  /// pyramid and the normalisation. A pixel reaches thousands of relus, so single-pixel finite
  /// differences keep crossing kinks; a step of 0.01 levels along a random ±1 direction over all
  /// pixels moves the score by thousands of pixels' contributions (well above Float rounding),
  /// while the relus it flips cost an error that shrinks with the step (0.5 % at most here; 3.4 %
  /// with 0.05 levels). Along each of 6 directions, the central
  /// difference must equal the gradient's projection within 2 %, and a gradient 5 % too large
  /// must fail.
  @Test func scoreGradientMatchesDirectionalDifferences() throws {
    let detector = try InstalledMMODDetector.detector()
    var g = SplitMix64(seed: 42)
    let image = g.uniformTensor([1, 30, 38, 3], in: 40...215)
    let (map, pullback) = detector.valueWithPullback(at: image)
    let best = try #require(
      map.scores.scalars.indices.max { map.scores.scalars[$0] < map.scores.scalars[$1] })
    var upstream = Tensor(zeros: map.scores.shape)
    upstream.withUnsafeMutableBufferPointer { $0[best] = 1 }
    let gradient = pullback(upstream).scalars.map(Double.init)
    let step: Float = 0.01
    for direction in 0..<6 {
      let signs = (0..<image.count).map { _ in g.next() & 1 == 0 ? Float(1) : -1 }
      let moved = { (sign: Float) -> Double in
        let x = Tensor(
          shape: image.shape, scalars: zip(image.scalars, signs).map { $0 + sign * step * $1 })
        return Double(detector.scoreMap(of: x).scores.scalars[best])
      }
      let numeric = (moved(1) - moved(-1)) / (2 * Double(step))
      let projected = zip(gradient, signs).reduce(0) { $0 + $1.0 * Double($1.1) }
      let error = { (value: Double) in abs(value - numeric) / max(abs(value), abs(numeric)) }
      #expect(
        error(projected) <= 0.02,
        "direction \(direction): numeric \(numeric), analytic \(projected)")
      #expect(error(1.05 * projected) > 0.02, "direction \(direction): the 5 % control passed")
    }
  }

  @Test func upsamplingGradientMatchesFiniteDifferences() {
    var g = SplitMix64(seed: 44)
    let image = g.uniformTensor([1, 5, 7, 3])
    let (value, pullback) = DlibMMODFaceDetector.upsampled(image, times: 2)
    #expect(value.shape == [1, 2 * (2 * 5 + 1) + 1, 2 * (2 * 7 + 2) + 2, 3])
    let upstream = g.uniformTensor(value.shape)
    let report = checkGradient(
      "pyramid_up twice", of: { DlibMMODFaceDetector.upsampled($0, times: 2).value }, at: image,
      upstream: upstream, analytic: pullback(upstream), generator: &g)
    #expect(report.passes, "\(report)")
  }
}
