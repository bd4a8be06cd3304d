import Adversary
import FaceNets
import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FacePipeline

/// The parts of a photo attack that need no recognizer: the region attacked, the cut on a
/// region, the EOT warps, composing the output, and the gradient through the whole chain.
@Suite struct PhotoAttackGeometryTests {
  static func photo(width: Int, height: Int, seed: UInt64) -> RGBImage {
    var generator = SplitMix64(seed: seed)
    return RGBImage(
      width: width, height: height,
      pixels: (0..<(width * height * 3)).map { _ in UInt8.random(in: 0...255, using: &generator) })
  }

  @Test func theRegionIsWhatTheCutReadsGrownForEOTAndAlignedForJPEG() {
    let photo = Self.photo(width: 200, height: 150, seed: 1)
    let read = PixelBox(x: 50, y: 40, width: 60, height: 70)
    #expect(
      PhotoAttacker.attackedRegion(readBox: read, photo: photo, options: PhotoAttackOptions())
        == read)
    let eot = PhotoAttacker.attackedRegion(
      readBox: read, photo: photo, options: PhotoAttackOptions(eotSamples: 8))
    let margin = PhotoJitter().margin(radius: 0.5 * (60.0 * 60 + 70 * 70).squareRoot())
    #expect(margin >= 7)
    #expect(
      eot
        == PixelBox(x: 50 - margin, y: 40 - margin, width: 60 + 2 * margin, height: 70 + 2 * margin)
    )
    let jpeg = PhotoAttacker.attackedRegion(
      readBox: read, photo: photo, options: PhotoAttackOptions(jpegQuality: 90))
    #expect(jpeg == PixelBox(x: 48, y: 32, width: 64, height: 80))
    // Clipped to the photo: the right and bottom edges need not be multiples of 16.
    let corner = PhotoAttacker.attackedRegion(
      readBox: PixelBox(x: 170, y: 120, width: 30, height: 30), photo: photo,
      options: PhotoAttackOptions(eotSamples: 4, jpegQuality: 75))
    #expect(corner.x % 16 == 0 && corner.y % 16 == 0)
    #expect(corner.x + corner.width == 200 && corner.y + corner.height == 150)
  }

  @Test func composingChangesOnlyTheRegion() {
    let photo = Self.photo(width: 40, height: 30, seed: 2)
    let patch = RGBImage(width: 7, height: 5, red: 1, green: 2, blue: 3)
    let region = PixelBox(x: 30, y: 20, width: 7, height: 5)
    let composed = photo.replacing(region, with: patch)
    #expect(composed.width == 40 && composed.height == 30)
    var changed = 0
    for y in 0..<30 {
      for x in 0..<40 {
        let inside = (30..<37).contains(x) && (20..<25).contains(y)
        let i = (y * 40 + x) * 3
        let pixel = Array(composed.pixels[i..<(i + 3)])
        if inside {
          #expect(pixel == [1, 2, 3])
          changed += 1
        } else {
          #expect(pixel == Array(photo.pixels[i..<(i + 3)]))
        }
      }
    }
    #expect(changed == 35)
  }

  @Test func theChipOfARegionIsTheChipOfThePhoto() throws {
    let photo = Self.photo(width: 300, height: 260, seed: 3)
    let details = DlibFaceChipDetails(
      left: 80.3, top: 60.7, right: 219.6, bottom: 200.1, angle: 0.12, size: 150)
    let cut = PhotoFaceInput.chip(details)
    let read = try #require(cut.readBox(width: 300, height: 260))
    let full = DlibFaceChipLayer(details: details, imageWidth: 300, imageHeight: 260)(
      Tensor(image: photo))
    for region in [
      read,
      PixelBox(x: read.x - 5, y: read.y - 9, width: read.width + 12, height: read.height + 20),
    ] {
      let crop = photo.cropped(x: region.x, y: region.y, width: region.width, height: region.height)
      let layer = cut.layer(on: region, width: 300, height: 260)
      let chip = layer.callAsFunction(Tensor(image: crop))
      #expect(chip.shape == [1, 150, 150, 3])
      let largest = zip(chip.scalars, full.scalars).map { abs($0 - $1) }.max() ?? .infinity
      #expect(largest < 1e-3, "region \(region.array): largest difference \(largest)")
    }
  }

  @Test func theCropOfARegionIsTheIdentifyCrop() throws {
    let photo = Self.photo(width: 320, height: 240, seed: 4)
    let box = PixelBox(x: -10, y: 30, width: 180, height: 200)
    let cut = PhotoFaceInput.box(box, side: 224)
    let read = try #require(cut.readBox(width: 320, height: 240))
    #expect(read == PixelBox(x: 0, y: 30, width: 170, height: 200))
    let region = PixelBox(x: 0, y: 16, width: 192, height: 224)
    let crop = photo.cropped(x: region.x, y: region.y, width: region.width, height: region.height)
    let layer = cut.layer(on: region, width: 320, height: 240)
    let input = layer.callAsFunction(Tensor(image: crop))
    // RecognitionInput resizes the 8-bit image in OpenCV's fixed point and rounds to 8 bits;
    // the differentiable cut does neither.
    let reference = try #require(RecognitionInput.faceTensor(from: photo, box: box, side: 224))
    let differences = zip(input.scalars, reference.scalars).map { abs($0 - $1) }
    #expect(input.shape == [1, 224, 224, 3])
    #expect(differences.max() ?? .infinity <= 1)
    #expect(differences.reduce(0, +) / Float(differences.count) <= 0.3)
  }

  @Test func jitterDrawsAreSeededAndStayInsideTheirMargin() {
    let jitter = PhotoJitter()
    let radius = 0.5 * (100.0 * 100 + 120 * 120).squareRoot()
    let margin = Double(jitter.margin(radius: radius))
    let centre = SIMD2(20 + 99 / 2.0, 20 + 119 / 2.0)
    var largestMove = 0.0
    for seed in UInt64(0)..<500 {
      let warp = jitter.sampler(seed: seed, centre: centre, width: 160, height: 160).transform
      #expect(warp == jitter.sampler(seed: seed, centre: centre, width: 160, height: 160).transform)
      let scale = (warp.m00 * warp.m00 + warp.m10 * warp.m10).squareRoot()
      #expect(abs(scale - 1) <= 0.05 + 1e-12)
      #expect(abs(atan2(warp.m10, warp.m00)) <= 3 * Double.pi / 180 + 1e-12)
      for (x, y) in [(20.0, 20.0), (119.0, 20.0), (20.0, 139.0), (119.0, 139.0)] {
        let moved = warp.apply(column: x, row: y)
        largestMove = max(largestMove, max(abs(moved.x - x), abs(moved.y - y)))
      }
    }
    #expect(largestMove > 3, "the draws should reach past the shift alone")
    #expect(largestMove + 1 <= margin)
    let (a, b) = (
      jitter.sampler(seed: 1, centre: centre, width: 160, height: 160).transform,
      jitter.sampler(seed: 2, centre: centre, width: 160, height: 160).transform
    )
    #expect(a != b)
  }

  /// A fixed linear "recognizer" for the gradient check: `[1, 12, 12, 3]` to 4 outputs.
  struct LinearModel: AttackableModel {
    let weights: Tensor
    var inputBounds: ClosedRange<Float> { 0...255 }

    func outputs(for images: Tensor) -> Tensor {
      Tensor(
        shape: [1, 4],
        scalars: (0..<4).map { k in
          var sum: Float = 0
          for i in 0..<images.count {
            sum += images.scalars[i] * weights.scalars[k * images.count + i]
          }
          return sum / 255
        })
    }

    func outputsWithPullback(for images: Tensor) -> (outputs: Tensor, pullback: (Tensor) -> Tensor)
    {
      let count = images.count
      let shape = images.shape
      let weights = self.weights
      return (
        outputs(for: images),
        { dOutputs in
          Tensor(
            shape: shape,
            scalars: (0..<count).map { i in
              (0..<4).reduce(Float(0)) {
                $0 + dOutputs.scalars[$1] * weights.scalars[$1 * count + i]
              } / 255
            })
        }
      )
    }
  }

  @Test(arguments: [false, true])
  func theRegionModelsGradientMatchesFiniteDifferences(jpeg: Bool) {
    var generator = SplitMix64(seed: 5)
    let region = PixelBox(x: 0, y: 0, width: 32, height: 32)
    let cut = PhotoFaceInput.box(PixelBox(x: 8, y: 6, width: 17, height: 19), side: 12)
    let model = PhotoRegionModel(
      network: LinearModel(
        weights: Tensor(
          shape: [4 * 12 * 12 * 3],
          scalars: (0..<(4 * 432)).map { _ in Float.random(in: -1...1, using: &generator) })),
      jpegQuality: jpeg ? 90 : nil, cut: cut.layer(on: region, width: 32, height: 32),
      jitter: (PhotoJitter(), SIMD2(16, 15)), expectationSamples: 4, leastSuccessful: { $0[0] })
    let x = Tensor(
      shape: [1, 32, 32, 3],
      scalars: (0..<(32 * 32 * 3)).map { _ in Float.random(in: 60...190, using: &generator) })
    let upstream = Tensor(
      shape: [1, 4], scalars: (0..<4).map { _ in Float.random(in: -1...1, using: &generator) })
    // The chain is linear without JPEG, so any step is exact; JPEG's cubic rounding jumps at
    // half-integers (see `JPEGRoundingApproximation`), so its check takes small steps and
    // leaves out elements whose step crosses a jump.
    let check = { (analytic: Tensor, generator: inout SplitMix64) in
      checkGradient(
        of: { model.outputsWithPullback(for: $0, drawSeed: 77).outputs }, at: x,
        upstream: upstream, analytic: analytic, epsilon: jpeg ? 0.1 : 1,
        tolerance: jpeg ? 5e-2 : 1e-2, skippingKinks: jpeg, maximumKinkFraction: 0.2,
        generator: &generator)
    }
    let (_, pullback) = model.outputsWithPullback(for: x, drawSeed: 77)
    let report = check(pullback(upstream), &generator)
    #expect(report.passes, "\(report)")
    // Negative control: the pullback of another draw is a different gradient.
    let (_, otherPullback) = model.outputsWithPullback(for: x, drawSeed: 78)
    let wrong = check(otherPullback(upstream), &generator)
    #expect(!wrong.passes)
  }

  @Test func judgedOutputsAreTheLeastSuccessfulOfTheCutAndFixedWarpsAfterARealJPEG() throws {
    var generator = SplitMix64(seed: 6)
    let network = LinearModel(
      weights: Tensor(
        shape: [4 * 12 * 12 * 3],
        scalars: (0..<(4 * 432)).map { _ in Float.random(in: -1...1, using: &generator) }))
    let cut = PhotoFaceInput.box(PixelBox(x: 8, y: 6, width: 17, height: 19), side: 12)
      .layer(on: PixelBox(x: 0, y: 0, width: 32, height: 32), width: 32, height: 32)
    // "Least successful" here: the candidate with the smallest first output.
    let model = PhotoRegionModel(
      network: network, jpegQuality: 75, cut: cut, jitter: (PhotoJitter(), SIMD2(16, 15)),
      expectationSamples: 3,
      leastSuccessful: { candidates in candidates.min { $0.scalars[0] < $1.scalars[0] }! })
    let x = Tensor(
      shape: [1, 32, 32, 3],
      scalars: (0..<(32 * 32 * 3)).map { _ in Float(Int.random(in: 0...255, using: &generator)) })
    let decoded = Tensor(
      image: try RGBImage(
        data: try RGBImage(tensor: x).jpegData(quality: 75), name: "round trip"))
    #expect(model.judgedDraws.count == 2)
    var candidates = [network.outputs(for: cut.callAsFunction(decoded))]
    for seed in model.judgedDraws {
      let warp = PhotoJitter().sampler(seed: seed, centre: SIMD2(16, 15), width: 32, height: 32)
      candidates.append(network.outputs(for: cut.callAsFunction(warp(decoded))))
    }
    // The candidates differ, so picking the wrong one (or a mean) would show.
    #expect(Set(candidates.map { $0.scalars[0] }).count == 3)
    let expected = candidates.min { $0.scalars[0] < $1.scalars[0] }!
    let judged = model.outputs(for: x)
    let largest = zip(judged.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 1
    #expect(largest < 1e-4)
    // Without EOT the judged outputs are the unjittered cut's alone.
    let plain = PhotoRegionModel(
      network: network, jpegQuality: nil, cut: cut, jitter: (PhotoJitter(), SIMD2(16, 15)),
      expectationSamples: 1, leastSuccessful: { _ in Tensor(zeros: [1, 4]) })
    #expect(plain.judgedDraws.isEmpty)
    #expect(plain.outputs(for: x).scalars == network.outputs(for: cut.callAsFunction(x)).scalars)
  }
}
