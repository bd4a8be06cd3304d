import Adversary
import FaceTensor
import Foundation
import Testing

/// scikit-image's SSIM and PSNR for image pairs, written by Scripts/fixtures/ssim_reference.py.
struct SSIMReference: Decodable {
  struct Case: Decodable {
    let name: String
    let shape: [Int]
    let original: [Float]
    let image: [Float]
    let ssim: Double
    let psnr: Double
  }

  let cases: [Case]

  static func load() throws -> SSIMReference {
    let url = try #require(
      Bundle.module.url(
        forResource: "ssim-reference", withExtension: "json", subdirectory: "Fixtures"))
    return try JSONDecoder().decode(SSIMReference.self, from: Data(contentsOf: url))
  }
}

@Suite struct PerturbationMetricsTests {
  @Test func ssimAndPSNRMatchScikitImage() throws {
    let reference = try SSIMReference.load()
    #expect(reference.cases.count == 4)
    for c in reference.cases {
      let metrics = PerturbationMetrics(
        original: Tensor(shape: c.shape, scalars: c.original),
        image: Tensor(shape: c.shape, scalars: c.image))
      let ssim = try #require(metrics.ssim)
      #expect(abs(Double(ssim) - c.ssim) < 1e-5, "\(c.name): \(ssim) vs \(c.ssim)")
      #expect(abs(Double(metrics.psnr) - c.psnr) < 1e-4, "\(c.name): \(metrics.psnr) vs \(c.psnr)")
    }
  }

  @Test func normsAndPSNRHaveTheirClosedForms() {
    let original = Tensor(repeating: 100, shape: [1, 2, 2, 3])
    var image = original
    image[0, 0, 0, 0] = 103
    image[0, 1, 1, 2] = 96
    let metrics = PerturbationMetrics(original: original, image: image)
    #expect(metrics.lInfinity == 4)
    #expect(metrics.l2 == 5)
    let expectedPSNR = 10 * log10(255.0 * 255 / (25.0 / 12))
    #expect(abs(Double(metrics.psnr) - expectedPSNR) < 1e-5)
    #expect(metrics.ssim == nil)
  }

  @Test func identicalImagesHaveInfinitePSNRAndSSIMOne() throws {
    let image = Tensor(
      shape: [12, 11, 3], scalars: (0..<396).map { Float(($0 * 37) % 256) })
    let metrics = PerturbationMetrics(original: image, image: image)
    #expect(metrics.psnr == .infinity && metrics.l2 == 0 && metrics.lInfinity == 0)
    #expect(abs(try #require(metrics.ssim) - 1) < 1e-6)
  }

  @Test func perImageMetricsFollowTheBatch() {
    let original = Tensor(repeating: 50, shape: [2, 1, 1, 3])
    let images = Tensor(shape: [2, 1, 1, 3], scalars: [50, 50, 50, 53, 54, 50])
    let metrics = PerturbationMetrics.perImage(originals: original, images: images)
    #expect(metrics.map(\.l2) == [0, 5])
    #expect(metrics.map(\.lInfinity) == [0, 4])
  }
}
