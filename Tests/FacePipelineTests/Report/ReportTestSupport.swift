import FaceTensor
import FaceTestSupport
import Foundation

@testable import FacePipeline

/// Builders shared by the Report*Tests files.
enum ReportSamples {
  /// A seeded random 8-bit image.
  static func noiseImage(width: Int, height: Int, seed: UInt64) -> RGBImage {
    var generator = SplitMix64(seed: seed)
    let pixels = (0..<width * height * 3).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  /// `image` with every byte moved by a seeded step in `-budget...budget`, clamped to 0...255.
  static func perturbed(_ image: RGBImage, budget: Int, seed: UInt64) -> RGBImage {
    var generator = SplitMix64(seed: seed)
    let pixels = image.pixels.map { level -> UInt8 in
      let step = Int(generator.next() % UInt64(2 * budget + 1)) - budget
      return UInt8(min(255, max(0, Int(level) + step)))
    }
    return RGBImage(width: image.width, height: image.height, pixels: pixels)
  }

  /// A classifier-style report: top-5 before and after, perturbation measurements, a verdict.
  static func classifierReport(originalSize: Int = 160) -> AttackReport {
    let original = noiseImage(width: originalSize, height: originalSize, seed: 11)
    let adversarial = perturbed(original, budget: 8, seed: 12)
    return AttackReport(
      title: AttackReportTitle(
        imageName: "sharon_stone.jpg", model: "VGGFace2 ResNet-50", method: "PGD untargeted",
        epsilonLevels: 8, steps: 40, seconds: 12.34),
      original: original,
      perturbation: AmplifiedPerturbation(original: original, adversarial: adversarial),
      adversarial: adversarial,
      before: ReportCaption(
        heading: "before: top 5", nameTitle: "Name", valueTitle: "Confidence",
        rows: [
          ReportRow(name: "Sharon Stone", probability: 0.99429),
          ReportRow(name: "Anita Lipnicka", probability: 0.00223),
          ReportRow(name: "Bobbi Sue Luther", probability: 0.0008),
        ]),
      measurements: ReportCaption(
        heading: "perturbation", nameTitle: "Measure", valueTitle: "Value",
        rows: [
          ReportRow(name: "L\u{221E}", value: "8 levels"), ReportRow(name: "SSIM", value: "0.97"),
        ]),
      after: ReportCaption(
        heading: "after: top 5", nameTitle: "Name", valueTitle: "Confidence",
        rows: [
          ReportRow(name: "Bobbi Sue Luther", probability: 0.99992),
          ReportRow(name: "Maura Rivera", probability: 0.00001),
        ]),
      verdict: "success: Sharon Stone -> Bobbi Sue Luther")
  }

  /// A caption with nothing to draw but as many (empty) rows as `rows`.
  static func blankCaption(rows: Int) -> ReportCaption {
    ReportCaption(
      heading: "", nameTitle: "", valueTitle: "",
      rows: Array(repeating: ReportRow(name: "", value: ""), count: rows))
  }

  /// A new empty folder under the system's temporary folder.
  static func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("report-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }
}

extension RGBImage {
  /// Pixels inside `rect` that differ from `color`.
  func count(differingFrom color: RGBColor, in rect: PixelRect) -> Int {
    var count = 0
    for y in rect.y..<rect.y + rect.height {
      for x in rect.x..<rect.x + rect.width {
        let pixel = self[x, y]
        if pixel.red != color.red || pixel.green != color.green || pixel.blue != color.blue {
          count += 1
        }
      }
    }
    return count
  }

  /// The columns (min, max) of pixels differing from `color`, or nil if none does.
  func inkColumns(differingFrom color: RGBColor) -> ClosedRange<Int>? {
    var columns: ClosedRange<Int>?
    for y in 0..<height {
      for x in 0..<width {
        let pixel = self[x, y]
        guard pixel.red != color.red || pixel.green != color.green || pixel.blue != color.blue
        else { continue }
        columns = columns.map { min($0.lowerBound, x)...max($0.upperBound, x) } ?? x...x
      }
    }
    return columns
  }
}
