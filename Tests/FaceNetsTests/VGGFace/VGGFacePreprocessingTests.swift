import FaceTensor
import FaceTestSupport
import Testing

@testable import FaceNets

/// keras-vggface's `preprocess_input` as a layer: values and gradient.
@Suite struct VGGFacePreprocessingTests {
  @Test(arguments: [1, 2])
  func flipsToBGRAndSubtractsTheMeansOfItsVersion(version: Int) throws {
    let facts = try VGGFaceFixtures.referenceFacts()
    let means = version == 1 ? facts.version1VGG16BGRMeans : facts.version2ResNet50SENet50BGRMeans
    let x = Tensor(shape: [1, 1, 2, 3], scalars: [10, 20, 30, 255, 0, 128])
    let y = VGGFacePreprocessing(version: version)(x)
    let expected: [Double] = [
      30 - means[0], 20 - means[1], 10 - means[2], 128 - means[0], 0 - means[1], 255 - means[2],
    ]
    #expect(y.shape == x.shape)
    #expect(zip(y.scalars, expected).allSatisfy { abs(Double($0) - $1) < 1e-4 })
  }

  @Test func gradientIsTheChannelFlip() {
    var generator = SplitMix64(seed: 3)
    let layer = VGGFacePreprocessing(version: 2)
    let x = generator.uniformTensor([2, 3, 5, 3], in: 0...255)
    let dy = generator.uniformTensor([2, 3, 5, 3])
    let analytic = layer.valueWithPullback(at: x, scope: .input).pullback(dy).input
    let report = checkGradient(
      "VGGFacePreprocessing input", of: { layer($0) }, at: x, upstream: dy, analytic: analytic,
      generator: &generator)
    #expect(report.passes, "\(report)")
    // Negative control: without the flip the check fails.
    let wrong = checkGradient(
      "VGGFacePreprocessing unflipped", of: { layer($0) }, at: x, upstream: dy, analytic: dy,
      generator: &generator)
    #expect(!wrong.passes)
  }
}
