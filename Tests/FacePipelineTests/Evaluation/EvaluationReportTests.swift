import FacePipeline
import FaceTestSupport
import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The evaluation report as a browser shows it (headless Chromium, installed by `make setup`).
struct EvaluationReportTests {
  @Test func theReportShowsItsPlotsInABrowser() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "report-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let grid = EvaluationGridTests.grid(photos: 6)
    let records = grid.cells.enumerated().map { index, cell in
      EvaluationFolderTests.record(cell, success: index % 3 != 0 && cell.epsilon >= 2)
    }
    let report = EvaluationReport(grid: grid, records: records)
    try report.write(to: folder)
    // Every plot is well-formed XML.
    for plot in EvaluationPlot.plots(for: report.summary, records: records) {
      _ = try XMLDocument(xmlString: plot.svg())
    }
    let screenshot = folder.appendingPathComponent("report.png")
    let status = try Self.chromium(
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--window-size=1300,1500", "--screenshot=\(screenshot.path)",
        folder.appendingPathComponent("report.html").absoluteString,
      ])
    #expect(status == 0, "chromium failed (make setup installs it)")
    let image = try RGBImage(contentsOf: screenshot)
    var nonWhite = 0
    var plotBlue = 0
    for index in stride(from: 0, to: image.pixels.count, by: 3) {
      let (r, g, b) = (image.pixels[index], image.pixels[index + 1], image.pixels[index + 2])
      if r < 240 || g < 240 || b < 240 { nonWhite += 1 }
      // The first series' colour, #0072B2.
      if abs(Int(r) - 0x00) < 20 && abs(Int(g) - 0x72) < 20 && abs(Int(b) - 0xB2) < 20 {
        plotBlue += 1
      }
    }
    let total = image.width * image.height
    #expect(nonWhite > total / 100, "the page is blank: \(nonWhite) of \(total) pixels")
    #expect(plotBlue > 200, "no plot line drawn: \(plotBlue) pixels of the first series")
  }

  @Test func pngPlotsDrawTheSameSeries() throws {
    let grid = EvaluationGridTests.grid(photos: 4)
    let records = grid.cells.enumerated().map { index, cell in
      EvaluationFolderTests.record(cell, success: index % 2 == 0)
    }
    let report = EvaluationReport(grid: grid, records: records)
    let plot = try #require(EvaluationPlot.plots(for: report.summary, records: records).first)
    #expect(plot.series.map(\.name) == ["mifgsm, EOT 0", "pgd, EOT 0"])
    let image = try plot.image(width: 580, height: 360)
    #expect(image.width == 580 && image.height == 360)
    var colours = Set<Int>()
    for index in stride(from: 0, to: image.pixels.count, by: 3) {
      let red = Int(image.pixels[index]) << 16
      let green = Int(image.pixels[index + 1]) << 8
      colours.insert(red | green | Int(image.pixels[index + 2]))
    }
    // Both series' colours (#0072B2, #D55E00) and black text are drawn.
    #expect(colours.isSuperset(of: [0x0072B2, 0xD55E00, 0x000000]))
    let page = try report.html(plots: .png)
    #expect(page.components(separatedBy: "data:image/png;base64,").count == 4)
    #expect(!page.contains("<svg"))
  }

  /// Runs Chromium with `arguments`; its exit status.
  static func chromium(_ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["chromium"] + arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }
}
