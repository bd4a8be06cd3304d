import FaceTensor
import Foundation
import Testing

@testable import FacePipeline

struct ReportImageRendererTests {
  let renderer: ReportImageRenderer

  init() throws {
    renderer = try ReportImageRenderer()
  }

  @Test func layoutPutsPanelsSideBySideWithCaptionsUnderThem() throws {
    var report = ReportSamples.classifierReport(originalSize: 160)
    report.original = ReportSamples.noiseImage(width: 300, height: 400, seed: 1)
    let layout = renderer.layout(for: report)
    #expect(layout.panels.map(\.height) == [224, 224, 224])
    #expect(layout.panels.map(\.width) == [168, 224, 224])
    for (left, right) in zip(layout.panels, layout.panels.dropFirst()) {
      #expect(left.x + left.width < right.x)
    }
    for (label, panel, caption) in zip3(layout.labels, layout.panels, layout.captions) {
      #expect(label.y + label.height <= panel.y)
      #expect(panel.y + panel.height < caption.y)
      #expect(caption.x <= panel.x && panel.x + panel.width <= caption.x + caption.width)
    }
    #expect(layout.title.y + layout.title.height <= layout.labels[0].y)
    #expect(layout.captions[0].y + layout.captions[0].height <= layout.verdict.y)
    #expect(layout.verdict.y + layout.verdict.height < layout.height)
    // Heading plus the longest block's three rows.
    let captionText = try TextRenderer(font: .sans, pixelSize: 14)
    #expect(layout.captions[0].height == 4 * captionText.lineHeight)
  }

  @Test func captionsTitleAndVerdictAreDrawnAsText() throws {
    let report = ReportSamples.classifierReport()
    let layout = renderer.layout(for: report)
    let picture = try renderer.render(report)
    #expect(picture.width == layout.width && picture.height == layout.height)
    for caption in layout.captions {
      #expect(picture.count(differingFrom: .white, in: caption) > 100)
    }
    #expect(picture.count(differingFrom: .white, in: layout.title) > 100)
    #expect(picture.count(differingFrom: .white, in: layout.verdict) > 100)
    for label in layout.labels {
      #expect(picture.count(differingFrom: .white, in: label) > 20)
    }
  }

  @Test func blankCaptionsLeaveTheBackground() throws {
    var report = ReportSamples.classifierReport()
    report.before = ReportSamples.blankCaption(rows: 3)
    report.measurements = ReportSamples.blankCaption(rows: 0)
    report.after = ReportSamples.blankCaption(rows: 2)
    report.verdict = ""
    let layout = renderer.layout(for: report)
    let picture = try renderer.render(report)
    #expect(layout.captions[0].height > 0)
    for caption in layout.captions {
      #expect(picture.count(differingFrom: .white, in: caption) == 0)
    }
    #expect(picture.count(differingFrom: .white, in: layout.verdict) == 0)
    #expect(picture.count(differingFrom: .white, in: layout.title) > 0)
  }

  @Test func panelsAreScaledCopiesOfTheImages() throws {
    var report = ReportSamples.classifierReport()
    let gray = RGBImage(width: 112, height: 112, red: 90, green: 140, blue: 30)
    report.original = gray
    report.adversarial = gray
    report.perturbation = AmplifiedPerturbation(original: gray, adversarial: gray)
    let layout = renderer.layout(for: report)
    let picture = try renderer.render(report)
    let green = RGBColor(red: 90, green: 140, blue: 30)
    let mid = RGBColor(red: 128, green: 128, blue: 128)
    #expect(picture.count(differingFrom: green, in: layout.panels[0]) == 0)
    #expect(picture.count(differingFrom: mid, in: layout.panels[1]) == 0)
    #expect(picture.count(differingFrom: green, in: layout.panels[2]) == 0)
    // The rows just outside a panel are background.
    let above = PixelRect(x: layout.panels[0].x, y: layout.panels[0].y - 1, width: 224, height: 1)
    #expect(picture.count(differingFrom: .white, in: above) == 0)
  }

  @Test func writesAPNGThatDecodesToTheRenderedPicture() throws {
    let report = ReportSamples.classifierReport(originalSize: 64)
    let file = try ReportSamples.temporaryFolder().appendingPathComponent("report.png")
    try report.write(to: file)
    #expect(try RGBImage(contentsOf: file) == renderer.render(report))
  }
}

/// The elements of three sequences side by side.
private func zip3<A: Sequence, B: Sequence, C: Sequence>(
  _ a: A, _ b: B, _ c: C
) -> [(A.Element, B.Element, C.Element)] {
  zip(zip(a, b), c).map { ($0.0, $0.1, $1) }
}
