import FaceTensor
import Foundation

/// Writes an `AttackReport` as one self-contained HTML page: no external files or requests; the
/// three panels are embedded as `data:image/png;base64,...` images shown at a common height,
/// each caption block is a two-column table (`nameTitle | valueTitle`) under its panel, and every
/// string from the report is HTML-escaped.
public struct ReportHTMLRenderer: Sendable {
  /// The height in CSS pixels the panels are shown at (each embedded at its own resolution).
  public let panelHeight: Int

  /// A renderer showing panels `panelHeight` CSS pixels high.
  /// - Precondition: `panelHeight > 0`.
  public init(panelHeight: Int = ReportImageRenderer.defaultPanelHeight) {
    precondition(panelHeight > 0, "[ReportHTMLRenderer] panel height must be positive")
    self.panelHeight = panelHeight
  }

  /// The page, UTF-8 text.
  /// - Throws: `ReportError.image` if a panel cannot be encoded as PNG (an empty image).
  public func html(for report: AttackReport) throws(ReportError) -> String {
    let panels = [report.original, report.perturbation.image, report.adversarial]
    var figures: [String] = []
    for (index, panel) in panels.enumerated() {
      let label = escaped(report.panelLabels[index])
      let caption = report.captions[index]
      let png: Data
      do {
        png = try panel.pngData()
      } catch {
        throw .image(error)
      }
      let source = "data:image/png;base64," + png.base64EncodedString()
      figures.append(
        """
        <figure>
        <figcaption>\(label)</figcaption>
        <img src="\(source)" alt="\(label)" width="\(scaledWidth(of: panel))" height="\(panelHeight)">
        \(table(for: caption))
        </figure>
        """)
    }
    return """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <title>\(escaped(report.title.text))</title>
      <style>
      body { font-family: "DejaVu Sans", Verdana, sans-serif; color: #141414; background: #fff; margin: 16px; }
      h1 { font-size: 18px; margin: 0; }
      .details { color: #555; margin: 2px 0 8px 0; }
      .panels { display: flex; gap: 16px; align-items: flex-start; }
      figure { margin: 0; flex: 1 1 0; min-width: 240px; }
      figcaption { color: #555; text-align: center; margin-bottom: 4px; }
      figure img { display: block; margin: 0 auto; }
      table { border-collapse: collapse; margin-top: 8px; width: 100%; font-size: 14px; }
      caption { text-align: left; font-weight: bold; }
      th, td { padding: 1px 6px; text-align: left; overflow-wrap: anywhere; }
      th:last-child, td:last-child { text-align: right; }
      thead th { border-bottom: 1px solid #999; }
      .verdict { font-weight: bold; margin-top: 12px; }
      </style>
      </head>
      <body>
      <h1>\(escaped(report.title.headline))</h1>
      <p class="details">\(escaped(report.title.details))</p>
      <div class="panels">
      \(figures.joined(separator: "\n"))
      </div>
      <p class="verdict">\(escaped(report.verdict))</p>
      </body>
      </html>

      """
  }

  /// Writes `html(for: report)` to `url` atomically (`AtomicFileWriter`: a temporary file in the
  /// same folder, then a rename): on failure nothing is created and an existing file is
  /// unchanged.
  /// - Throws: `ReportError.cannotWrite` naming `url.path`, or `.image` from encoding.
  public func write(_ report: AttackReport, to url: URL) throws(ReportError) {
    let page = try html(for: report)
    do {
      try AtomicFileWriter.write(Data(page.utf8), to: url)
    } catch {
      guard case .writeFailed(_, let reason) = error else { throw .image(error) }
      throw .cannotWrite(path: url.path, reason: reason)
    }
  }

  /// `caption` as a table: the heading as `<caption>`, column titles, one row per entry.
  private func table(for caption: ReportCaption) -> String {
    let rows = caption.rows.map {
      "<tr><td>\(escaped($0.name))</td><td>\(escaped($0.value))</td></tr>"
    }
    return """
      <table>
      <caption>\(escaped(caption.heading))</caption>
      <thead><tr><th>\(escaped(caption.nameTitle))</th><th>\(escaped(caption.valueTitle))</th></tr></thead>
      <tbody>
      \(rows.joined(separator: "\n"))
      </tbody>
      </table>
      """
  }

  /// The CSS width of `image` shown `panelHeight` high, aspect ratio kept, at least 1.
  private func scaledWidth(of image: RGBImage) -> Int {
    guard image.height > 0 else { return panelHeight }
    return max(1, (image.width * panelHeight + image.height / 2) / image.height)
  }
}

/// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references, safe inside HTML
/// text and quoted attribute values.
func escaped(_ text: String) -> String {
  var result = ""
  result.reserveCapacity(text.utf8.count)
  for character in text {
    switch character {
    case "&": result += "&amp;"
    case "<": result += "&lt;"
    case ">": result += "&gt;"
    case "\"": result += "&quot;"
    case "'": result += "&#39;"
    default: result.append(character)
    }
  }
  return result
}
