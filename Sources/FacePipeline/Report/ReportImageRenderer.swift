import FaceTensor
import Foundation

/// Draws an `AttackReport` as one picture on a white background (see `ReportImageLayout`):
/// panels scaled to a common height, labels above them, captions under them in DejaVu Sans,
/// rendered with FreeType.
///
/// Thread safety: not `Sendable`; it owns four FreeType faces (see `TextRenderer`). Use one
/// renderer per task.
public struct ReportImageRenderer {
  /// The panels' height in pixels when none is given: the models' input size.
  public static let defaultPanelHeight = 224

  /// Every panel is scaled to this height, keeping its aspect ratio.
  public let panelHeight: Int
  private let titleText: TextRenderer
  private let labelText: TextRenderer
  private let bodyText: TextRenderer
  private let boldText: TextRenderer

  private static let background = RGBColor.white
  private static let ink = RGBColor(red: 20, green: 20, blue: 20)
  private static let secondaryInk = RGBColor(red: 85, green: 85, blue: 85)
  /// Pixels between a row's name and its right-aligned value.
  private static let valueSpacing = 8

  /// A renderer with DejaVu Sans (headline 18 px bold, details 14 px, labels 15 px, captions
  /// 14 px with bold headings, verdict 14 px bold) found by `locator`.
  /// - Precondition: `panelHeight > 0`.
  /// - Throws: `TextRenderingError.fontNotFound` naming the folders searched and the package
  ///   to install, or `.cannotLoadFont`.
  public init(
    panelHeight: Int = ReportImageRenderer.defaultPanelHeight,
    locator: FontLocator = FontLocator()
  ) throws(TextRenderingError) {
    precondition(panelHeight > 0, "[ReportImageRenderer] panel height must be positive")
    self.panelHeight = panelHeight
    titleText = try TextRenderer(font: .sansBold, pixelSize: 18, locator: locator)
    labelText = try TextRenderer(font: .sans, pixelSize: 15, locator: locator)
    bodyText = try TextRenderer(font: .sans, pixelSize: 14, locator: locator)
    boldText = try TextRenderer(font: .sansBold, pixelSize: 14, locator: locator)
  }

  /// Where each part of `report` goes.
  /// - Precondition: the report's three images are non-empty.
  public func layout(for report: AttackReport) -> ReportImageLayout {
    let panelWidths = panels(of: report).map { scaledWidth(of: $0) }
    let captionLines = 1 + (report.captions.map { $0.rows.count }.max() ?? 0)
    return ReportImageLayout(
      panelWidths: panelWidths, panelHeight: panelHeight,
      titleHeight: titleText.lineHeight + bodyText.lineHeight,
      labelLineHeight: labelText.lineHeight,
      captionLineHeight: bodyText.lineHeight, captionLines: captionLines,
      verdictLineHeight: boldText.lineHeight)
  }

  /// The report as an 8-bit RGB picture of `layout(for: report)`'s size.
  /// - Precondition: the report's three images are non-empty.
  /// - Throws: `TextRenderingError.cannotRenderGlyph` if FreeType fails on a character.
  public func render(_ report: AttackReport) throws(TextRenderingError) -> RGBImage {
    let layout = layout(for: report)
    let background = ReportImageRenderer.background
    var canvas = RGBImage(
      width: layout.width, height: layout.height,
      red: background.red, green: background.green, blue: background.blue)

    try drawLine(report.title.headline, with: titleText, in: layout.title, on: &canvas)
    var details = layout.title
    details.y += titleText.lineHeight
    try drawLine(
      report.title.details, with: bodyText, in: details, on: &canvas,
      color: ReportImageRenderer.secondaryInk)
    for (label, rect) in zip(report.panelLabels, layout.labels) {
      try drawCentred(label, with: labelText, in: rect, on: &canvas)
    }
    for (panel, rect) in zip(panels(of: report), layout.panels) {
      paste(
        panel.resized(width: rect.width, height: rect.height, method: .area), at: rect,
        on: &canvas)
    }
    for (caption, rect) in zip(report.captions, layout.captions) {
      try drawCaption(caption, in: rect, on: &canvas)
    }
    try drawLine(report.verdict, with: boldText, in: layout.verdict, on: &canvas)
    return canvas
  }

  /// Renders `report` and writes it as a PNG file, atomically.
  /// - Throws: `ReportError.text` from rendering, `.image` from writing.
  public func write(_ report: AttackReport, to url: URL) throws(ReportError) {
    let picture: RGBImage
    do {
      picture = try render(report)
    } catch {
      throw .text(error)
    }
    do {
      try picture.writePNG(to: url)
    } catch {
      throw .image(error)
    }
  }

  private func panels(of report: AttackReport) -> [RGBImage] {
    [report.original, report.perturbation.image, report.adversarial]
  }

  /// The width of `image` scaled to `panelHeight`, aspect ratio kept, at least 1.
  private func scaledWidth(of image: RGBImage) -> Int {
    precondition(
      image.width > 0 && image.height > 0, "[ReportImageRenderer] a report panel is empty")
    return max(1, (image.width * panelHeight + image.height / 2) / image.height)
  }

  /// The heading in bold, then each row: the name on the left (truncated so it stops before
  /// the value), the value right-aligned.
  private func drawCaption(
    _ caption: ReportCaption, in rect: PixelRect, on canvas: inout RGBImage
  ) throws(TextRenderingError) {
    let lineHeight = bodyText.lineHeight
    try drawLine(caption.heading, with: boldText, in: rect, on: &canvas)
    for (index, row) in caption.rows.enumerated() {
      let top = rect.y + (index + 1) * lineHeight
      let value = try bodyText.truncated(row.value, toWidth: rect.width)
      let valueWidth = try bodyText.width(of: value)
      let nameRoom =
        rect.width - valueWidth - (value.isEmpty ? 0 : ReportImageRenderer.valueSpacing)
      let name = try bodyText.truncated(row.name, toWidth: max(0, nameRoom))
      try bodyText.draw(
        name, into: &canvas, x: rect.x, top: top, color: ReportImageRenderer.ink)
      try bodyText.draw(
        value, into: &canvas, x: rect.x + rect.width - valueWidth, top: top,
        color: ReportImageRenderer.ink)
    }
  }

  /// `text`, truncated to the rectangle's width, left-aligned at its top.
  private func drawLine(
    _ text: String, with renderer: TextRenderer, in rect: PixelRect, on canvas: inout RGBImage,
    color: RGBColor = ReportImageRenderer.ink
  ) throws(TextRenderingError) {
    let shown = try renderer.truncated(text, toWidth: rect.width)
    try renderer.draw(shown, into: &canvas, x: rect.x, top: rect.y, color: color)
  }

  /// `text`, truncated to the rectangle's width, centred in it.
  private func drawCentred(
    _ text: String, with renderer: TextRenderer, in rect: PixelRect, on canvas: inout RGBImage
  ) throws(TextRenderingError) {
    let shown = try renderer.truncated(text, toWidth: rect.width)
    let shownWidth = try renderer.width(of: shown)
    let x = rect.x + (rect.width - shownWidth) / 2
    try renderer.draw(
      shown, into: &canvas, x: x, top: rect.y, color: ReportImageRenderer.secondaryInk)
  }

  /// Copies `image` (already `rect`'s size) into `canvas` at `rect`.
  private func paste(_ image: RGBImage, at rect: PixelRect, on canvas: inout RGBImage) {
    let rowBytes = image.width * 3
    for row in 0..<image.height {
      let source = row * rowBytes
      let destination = ((rect.y + row) * canvas.width + rect.x) * 3
      canvas.pixels.replaceSubrange(
        destination..<destination + rowBytes, with: image.pixels[source..<source + rowBytes])
    }
  }
}
