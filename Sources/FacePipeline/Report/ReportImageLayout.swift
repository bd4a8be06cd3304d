/// A rectangle of pixels: columns `x..<x+width`, rows `y..<y+height`.
public struct PixelRect: Sendable, Equatable {
  /// Left column.
  public var x: Int
  /// Top row.
  public var y: Int
  /// Columns covered.
  public var width: Int
  /// Rows covered.
  public var height: Int

  /// A rectangle from its left column, top row and size.
  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = width
    self.height = height
  }
}

/// Where `ReportImageRenderer` puts each part of a report picture.
///
/// Top to bottom:
/// ```
///  headline (bold)                                 (title: two lines, each truncated
///  details                                          to the content width)
///  label        label              label          (centred over their columns)
///  [original]   [perturbation ×G]  [adversarial]  (scaled to the panel height, centred)
///  before       measurements       after          (heading + rows, one column each)
///  verdict (bold, one line)
/// ```
/// The three columns are equally wide: the widest scaled panel, at least `minimumColumnWidth`.
public struct ReportImageLayout: Sendable, Equatable {
  /// The whole picture's width in pixels.
  public let width: Int
  /// The whole picture's height in pixels.
  public let height: Int
  /// The title: headline and details lines.
  public let title: PixelRect
  /// The three columns' label lines, left to right.
  public let labels: [PixelRect]
  /// The three panels as drawn (scaled), left to right.
  public let panels: [PixelRect]
  /// The three caption blocks (heading line plus as many row lines as the longest block),
  /// left to right: before, measurements, after.
  public let captions: [PixelRect]
  /// The verdict line.
  public let verdict: PixelRect

  /// Margin around everything and gap between columns, in pixels.
  public static let margin = 16
  /// Horizontal gap between columns, in pixels.
  public static let columnGap = 16
  /// Columns are at least this wide so captions have room beside small panels.
  public static let minimumColumnWidth = 240
  /// Vertical space between the title, labels, panels, captions and verdict.
  public static let sectionGap = 8

  /// The layout for panels of the given scaled widths and the given line heights.
  /// - Parameters:
  ///   - panelWidths: the three panels' widths after scaling to `panelHeight`.
  ///   - titleHeight: the headline's and the details' line heights together.
  ///   - captionLines: lines in the tallest caption block, heading included (at least 1).
  init(
    panelWidths: [Int], panelHeight: Int, titleHeight: Int, labelLineHeight: Int,
    captionLineHeight: Int, captionLines: Int, verdictLineHeight: Int
  ) {
    precondition(panelWidths.count == 3, "[ReportImageLayout] expected 3 panels")
    let margin = ReportImageLayout.margin
    let gap = ReportImageLayout.columnGap
    let columnWidth = max(ReportImageLayout.minimumColumnWidth, panelWidths.max() ?? 0)
    let contentWidth = 3 * columnWidth + 2 * gap
    let columnX = (0..<3).map { margin + $0 * (columnWidth + gap) }

    var y = margin
    title = PixelRect(x: margin, y: y, width: contentWidth, height: titleHeight)
    y += titleHeight + ReportImageLayout.sectionGap
    labels = columnX.map { PixelRect(x: $0, y: y, width: columnWidth, height: labelLineHeight) }
    y += labelLineHeight + ReportImageLayout.sectionGap / 2
    let panelTop = y
    panels = zip(columnX, panelWidths).map { x, panelWidth in
      PixelRect(
        x: x + (columnWidth - panelWidth) / 2, y: panelTop, width: panelWidth, height: panelHeight)
    }
    y += panelHeight + ReportImageLayout.sectionGap
    let captionHeight = captionLines * captionLineHeight
    let captionTop = y
    captions = columnX.map {
      PixelRect(x: $0, y: captionTop, width: columnWidth, height: captionHeight)
    }
    y += captionHeight + ReportImageLayout.sectionGap
    verdict = PixelRect(x: margin, y: y, width: contentWidth, height: verdictLineHeight)
    y += verdictLineHeight
    width = contentWidth + 2 * margin
    height = y + margin
  }
}
