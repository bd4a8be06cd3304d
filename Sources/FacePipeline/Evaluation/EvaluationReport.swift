import Foundation

/// What an evaluation's folder shows people.
///
/// That is `summary.json`, `report.html` (the summary table and the plots, inline SVG or PNG:
/// self-contained) and the table printed on a terminal.
public struct EvaluationReport: Sendable {
  /// How the plots are embedded in `report.html`.
  public enum PlotFormat: String, Sendable, CaseIterable {
    /// Inline SVG elements (sharp at any size).
    case svg
    /// PNG images as data URIs, for viewers that show no SVG.
    case png
  }

  /// The grid the records belong to.
  public let grid: EvaluationGrid
  /// The summary of `records`.
  public let summary: EvaluationSummary
  /// Every recorded cell.
  public let records: [CellRecord]

  /// The report of `records` for `grid`.
  public init(grid: EvaluationGrid, records: [CellRecord]) {
    self.grid = grid
    self.records = records
    summary = EvaluationSummary(grid: grid, records: records)
  }

  /// The report of everything recorded in the cell files of `folders` (the shards of one
  /// grid, in one folder or several).
  /// - Throws: `EvaluationError.gridMismatch` when the folders hold different grids,
  ///   `.conflictingCells` when two files disagree on a cell, or a read error.
  public init(folders: [EvaluationFolder]) throws(EvaluationError) {
    guard let first = folders.first else {
      throw .fileSystem(path: ".", reason: "no evaluation folder given")
    }
    let grid = try first.recordedGrid()
    var files: [URL] = []
    for folder in folders {
      if let difference = try folder.recordedGrid().difference(from: grid) {
        throw .gridMismatch(folder: folder.url.path, difference: difference)
      }
      files += try folder.cellFiles()
    }
    self.init(grid: grid, records: try EvaluationFolder.mergedRecords(of: files))
  }

  /// The summary table: a row per method x ε x EOT setting.
  public var table: String {
    func cell(_ text: String, _ width: Int, left: Bool = false) -> String {
      let padding = String(repeating: " ", count: max(0, width - text.count))
      return left ? text + padding : padding + text
    }
    func number(_ value: Double?, _ format: String) -> String {
      value.map { String(format: format, $0) } ?? "-"
    }
    var lines = [
      "method    eps  eot  cells  success   95% interval  median after  PSNR dB   SSIM  seconds"
    ]
    for row in summary.rows {
      let after =
        row.medianDistanceAfter.map { String(format: "%.3f", $0) }
        ?? row.medianProbabilityAfter.map { String(format: "p %.3f", $0) } ?? "-"
      lines.append(
        [
          cell(row.method, 7, left: true), cell(EvaluationPlotGeometry.label(row.eps), 5),
          cell("\(row.eot)", 4), cell("\(row.count)", 6),
          cell(String(format: "%.1f%%", 100 * row.successRate), 8),
          cell(
            String(format: "%.1f-%.1f%%", 100 * row.successLower, 100 * row.successUpper), 14),
          cell(after, 13), cell(number(row.medianPSNR, "%.1f"), 8),
          cell(number(row.medianSSIM, "%.3f"), 6),
          cell(String(format: "%.1f", row.medianSeconds), 8),
        ].joined(separator: " "))
    }
    lines.append("\(summary.done) of \(summary.total) cells done")
    return lines.joined(separator: "\n")
  }

  /// Writes `summary.json` and `report.html` into `folder`, each atomically.
  /// - Throws: `EvaluationError.fileSystem` when a file cannot be written or a PNG plot cannot
  ///   be drawn.
  public func write(to folder: URL, plots: PlotFormat = .svg) throws(EvaluationError) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let summaryURL = folder.appendingPathComponent("summary.json")
    let reportURL = folder.appendingPathComponent("report.html")
    do {
      try AtomicFileWriter.write(try encoder.encode(summary), to: summaryURL)
    } catch {
      throw .fileSystem(path: summaryURL.path, reason: "cannot be written")
    }
    let page: String
    do {
      page = try html(plots: plots)
    } catch {
      throw .fileSystem(path: reportURL.path, reason: "cannot draw the plots: \(error)")
    }
    do {
      try AtomicFileWriter.write(Data(page.utf8), to: reportURL)
    } catch {
      throw .fileSystem(path: reportURL.path, reason: "cannot be written")
    }
  }

  /// The HTML page: title, settings, the table and the plots, with no external resources.
  /// - Throws: `TextRenderingError` when a PNG plot cannot be drawn.
  public func html(plots format: PlotFormat = .svg) throws -> String {
    let plots = try EvaluationPlot.plots(for: summary, records: records).map { plot in
      switch format {
      case .svg:
        return plot.svg()
      case .png:
        let png = try plot.image().pngData().base64EncodedString()
        return #"<img alt="\#(escaped(plot.title))" src="data:image/png;base64,\#(png)">"#
      }
    }
    let settings =
      "model \(grid.model), goal \(grid.goal), \(grid.photos.count) photos, "
      + "steps \(grid.steps.map(String.init) ?? "default"), "
      + "JPEG \(grid.jpegQuality.map(String.init) ?? "none"), seed \(grid.seed)"
    return """
      <!DOCTYPE html>
      <html lang="en">
      <head><meta charset="utf-8"><title>FaceAdversary evaluation</title>
      <style>body{font-family:'DejaVu Sans',sans-serif;margin:24px;color:#222}
      pre{font-size:13px;background:#f6f6f6;padding:12px}svg{margin:8px 16px 8px 0}</style>
      </head>
      <body>
      <h1>FaceAdversary evaluation</h1>
      <p>\(escaped(settings))</p>
      <pre>\(escaped(table))</pre>
      \(plots.joined(separator: "\n"))
      </body>
      </html>

      """
  }
}
