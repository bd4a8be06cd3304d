import FaceTensor
import FaceTestSupport
import Testing

@testable import FacePipeline

struct ReportPerturbationTests {
  @Test func zeroPerturbationIsMidGrayEverywhere() {
    let image = ReportSamples.noiseImage(width: 9, height: 7, seed: 3)
    let amplified = AmplifiedPerturbation(original: image, adversarial: image)
    #expect(amplified.image.width == 9 && amplified.image.height == 7)
    #expect(amplified.image.pixels.allSatisfy { $0 == 128 })
    #expect(amplified.gain == 1)
    #expect(amplified.maxAbsoluteLevels == 0)
  }

  @Test func largestChangeMapsToTheExtremes() {
    var generator = SplitMix64(seed: 21)
    var levels = (0..<5 * 4 * 3).map { _ in generator.uniform(-5...5) }
    levels[7] = 6.5
    levels[30] = -6.5
    let amplified = AmplifiedPerturbation(
      perturbation: Tensor(shape: [1, 4, 5, 3], scalars: levels))
    #expect(amplified.maxAbsoluteLevels == 6.5)
    #expect(amplified.gain == 127.5 / 6.5)
    #expect(amplified.image.pixels[7] == 255)
    #expect(amplified.image.pixels[30] == 0)
    for (delta, level) in zip(levels, amplified.image.pixels) {
      let expected = (127.5 + Double(delta) * 127.5 / 6.5).rounded(.toNearestOrEven)
      #expect(Double(level) == expected, "δ = \(delta)")
    }
  }

  @Test func orderOfChangesIsKept() {
    let original = ReportSamples.noiseImage(width: 16, height: 16, seed: 4)
    let adversarial = ReportSamples.perturbed(original, budget: 8, seed: 5)
    let amplified = AmplifiedPerturbation(original: original, adversarial: adversarial)
    let deltas = zip(adversarial.pixels, original.pixels).map { Int($0) - Int($1) }
    #expect(amplified.maxAbsoluteLevels == Double(deltas.map(abs).max() ?? 0))
    for (a, b) in zip(
      zip(deltas, amplified.image.pixels), zip(deltas, amplified.image.pixels).dropFirst())
    {
      if a.0 < b.0 { #expect(a.1 <= b.1) }
      if a.0 == 0 { #expect(a.1 == 128) }
    }
  }

  @Test func gainIsFormattedForTheLabel() {
    let eight = AmplifiedPerturbation(
      perturbation: Tensor(shape: [1, 1, 1, 3], scalars: [8, -2, 0]))
    #expect(eight.formattedGain == "16")
    let large = AmplifiedPerturbation(
      perturbation: Tensor(shape: [1, 1, 1, 3], scalars: [51, 0, 0]))
    #expect(large.formattedGain == "2.5")
    let report = ReportSamples.classifierReport()
    #expect(report.panelLabels[1] == "perturbation ×\(report.perturbation.formattedGain)")
  }
}
