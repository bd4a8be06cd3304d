import FaceTensor
import Foundation
import Testing

@testable import FacePipeline

struct ReportHTMLRendererTests {
  let renderer = ReportHTMLRenderer()

  @Test func pageIsSelfContainedWithThreeEmbeddedPNGs() throws {
    let report = ReportSamples.classifierReport(originalSize: 32)
    let page = try renderer.html(for: report)
    #expect(!page.contains("src=\"http"))
    #expect(!page.contains("href="))
    #expect(!page.contains("url("))
    #expect(!page.contains("@import"))
    // "iVBORw0KGgo" is the base64 of the PNG signature.
    #expect(page.components(separatedBy: "src=\"data:image/png;base64,iVBORw0KGgo").count == 4)
    let images = [report.original, report.perturbation.image, report.adversarial]
    for (index, image) in images.enumerated() {
      let decoded = try RGBImage(data: embeddedPNG(in: page, at: index), name: "panel \(index)")
      #expect(decoded == image)
    }
  }

  @Test func captionsAreTablesAndTheSummaryIsThere() throws {
    let report = ReportSamples.classifierReport(originalSize: 16)
    let page = try renderer.html(for: report)
    #expect(page.components(separatedBy: "<table>").count == 4)
    #expect(page.contains("<thead><tr><th>Name</th><th>Confidence</th></tr></thead>"))
    #expect(page.contains("<tr><td>Sharon Stone</td><td>99.43%</td></tr>"))
    #expect(page.contains("<tr><td>Bobbi Sue Luther</td><td>99.99%</td></tr>"))
    #expect(page.contains("<p class=\"verdict\">success: Sharon Stone -&gt; Bobbi Sue Luther</p>"))
    #expect(page.contains("<title>\(report.title.text)</title>"))
    #expect(page.contains("<h1>sharon_stone.jpg · VGGFace2 ResNet-50</h1>"))
    #expect(
      page.contains("<p class=\"details\">PGD untargeted · ε 8 levels · 40 steps · 12.3 s</p>"))
    #expect(
      page.contains("<figcaption>perturbation ×\(report.perturbation.formattedGain)</figcaption>"))
  }

  @Test func everyStringIsEscaped() throws {
    var report = ReportSamples.classifierReport(originalSize: 16)
    report.before.rows[0].name = "<script>alert('x')</script>"
    report.after.heading = "\"quoted\" & <b>"
    report.title.imageName = "<img src=x onerror=alert(1)>.jpg"
    let page = try renderer.html(for: report)
    #expect(!page.contains("<script"))
    #expect(!page.contains("<b>"))
    #expect(!page.contains("<img src=x"))
    #expect(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
    #expect(page.contains("<caption>&quot;quoted&quot; &amp; &lt;b&gt;</caption>"))
  }

  @Test func writesThePageAtomically() throws {
    let report = ReportSamples.classifierReport(originalSize: 16)
    let folder = try ReportSamples.temporaryFolder()
    let file = folder.appendingPathComponent("report.html")
    try report.write(to: file)
    #expect(try String(contentsOf: file, encoding: .utf8) == renderer.html(for: report))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["report.html"])

    let missing = folder.appendingPathComponent("no-such-folder/report.html")
    #expect {
      try report.write(to: missing)
    } throws: { error in
      guard case .cannotWrite(let path, let reason) = error as? ReportError else { return false }
      return path == missing.path && !reason.isEmpty
    }
    #expect(!FileManager.default.fileExists(atPath: missing.path))
  }

  @Test func formatFollowsTheExtension() throws {
    #expect(try ReportFormat(of: URL(fileURLWithPath: "/tmp/a.PNG")) == .png)
    #expect(try ReportFormat(of: URL(fileURLWithPath: "/tmp/a.html")) == .html)
    #expect(try ReportFormat(of: URL(fileURLWithPath: "/tmp/a.htm")) == .html)
    #expect(throws: ReportError.unsupportedExtension(path: "/tmp/a.jpg")) {
      try ReportFormat(of: URL(fileURLWithPath: "/tmp/a.jpg"))
    }
    #expect(
      ReportError.unsupportedExtension(path: "/tmp/a.jpg").description
        == "cannot write report /tmp/a.jpg: the file name must end in .png or .html")
  }

  @Test func titleAndRowsFormatNumbers() {
    let report = ReportSamples.classifierReport()
    #expect(
      report.title.text
        == "sharon_stone.jpg · VGGFace2 ResNet-50 · PGD untargeted · ε 8 levels · 40 steps · 12.3 s"
    )
    var unbounded = report.title
    unbounded.epsilonLevels = nil
    unbounded.steps = 1
    #expect(!unbounded.text.contains("ε"))
    #expect(unbounded.text.hasSuffix("· 1 step · 12.3 s"))
    unbounded.epsilonLevels = 2.5
    #expect(unbounded.text.contains("· ε 2.5 levels ·"))
    #expect(ReportRow(name: "a", probability: 0.99429).value == "99.43%")
    #expect(ReportRow(name: "a", probability: 0.00223).value == "0.22%")
    #expect(ReportRow(name: "a", probability: 0.0000491).value == "<0.01%")
    #expect(ReportRow(name: "a", probability: 1).value == "100.00%")
  }

  /// The bytes of the `index`-th `data:image/png;base64,` image of `page`.
  private func embeddedPNG(in page: String, at index: Int) throws -> Data {
    let parts = page.components(separatedBy: "src=\"data:image/png;base64,")
    let encoded = try #require(parts[index + 1].split(separator: "\"").first)
    return try #require(Data(base64Encoded: String(encoded)))
  }
}
