import Foundation

extension EvaluationPlot {
  /// The plot drawn into an image of `width` x `height` pixels (white background, DejaVu Sans
  /// labels), the same layout as `svg(width:height:)`, for places that show no SVG.
  /// - Throws: `TextRenderingError` when the font cannot be found or a glyph cannot be drawn.
  public func image(width: Int = 580, height: Int = 360) throws(TextRenderingError) -> RGBImage {
    let g = EvaluationPlotGeometry(self, width: Double(width), height: Double(height))
    var canvas = RGBImage(width: width, height: height, red: 255, green: 255, blue: 255)
    let text = try TextRenderer(font: .sans, pixelSize: 12)
    let bold = try TextRenderer(font: .sansBold, pixelSize: 14)
    let grey = RGBColor(red: 105, green: 105, blue: 105)
    let light = RGBColor(red: 220, green: 220, blue: 220)
    try bold.draw(title, into: &canvas, x: Int(g.left), top: 6, color: .black)
    let bottom = g.top + g.plotHeight
    for tick in EvaluationPlotGeometry.ticks(g.yRange) {
      canvas.drawLine(from: (g.left, g.y(tick)), to: (g.left + g.plotWidth, g.y(tick)), light, 1)
      let label = EvaluationPlotGeometry.label(tick)
      try text.draw(
        label, into: &canvas, x: Int(g.left) - 6 - (try text.width(of: label)),
        top: Int(g.y(tick)) - 7, color: .black)
    }
    for tick in EvaluationPlotGeometry.ticks(g.xRange) {
      canvas.drawLine(from: (g.x(tick), bottom), to: (g.x(tick), bottom + 5), grey, 1)
      let label = EvaluationPlotGeometry.label(tick)
      try text.draw(
        label, into: &canvas, x: Int(g.x(tick)) - (try text.width(of: label)) / 2,
        top: Int(bottom) + 7, color: .black)
    }
    let corners = [
      (g.left, g.top), (g.left + g.plotWidth, g.top), (g.left + g.plotWidth, bottom),
      (g.left, bottom), (g.left, g.top),
    ]
    for (from, to) in zip(corners, corners.dropFirst()) {
      canvas.drawLine(from: from, to: to, grey, 1)
    }
    try text.draw(
      xLabel, into: &canvas, x: Int(g.left + g.plotWidth / 2) - (try text.width(of: xLabel)) / 2,
      top: height - 22, color: .black)
    try text.draw(yLabel, into: &canvas, x: 4, top: Int(g.top) - 18, color: .black)
    for (index, line) in series.enumerated() {
      let colour = g.colour(index)
      let points = g.positions(of: line)
      if line.joined {
        for (from, to) in zip(points, points.dropFirst()) {
          canvas.drawLine(from: from, to: to, colour, 2)
        }
      }
      for point in points { canvas.fillDisc(at: point, radius: line.joined ? 3.5 : 2.5, colour) }
      let row = g.legendRow(index)
      canvas.fillDisc(at: (g.left + g.plotWidth + 20, row - 2), radius: 6, colour)
      try text.draw(
        line.name, into: &canvas, x: Int(g.left + g.plotWidth + 32), top: Int(row) - 9,
        color: .black)
    }
    return canvas
  }
}

extension RGBImage {
  /// Paints a line `thickness` pixels wide from `from` to `to` (canvas coordinates), clipped.
  mutating func drawLine(
    from: (x: Double, y: Double), to: (x: Double, y: Double), _ colour: RGBColor,
    _ thickness: Double
  ) {
    let length = max(abs(to.x - from.x), abs(to.y - from.y))
    let steps = max(Int(length.rounded(.up)), 1)
    for step in 0...steps {
      let t = Double(step) / Double(steps)
      fillDisc(
        at: (from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t), radius: thickness / 2,
        colour)
    }
  }

  /// Paints the pixels whose centres lie within `radius` of `centre` (at least the pixel under
  /// the centre), clipped to the image.
  mutating func fillDisc(at centre: (x: Double, y: Double), radius: Double, _ colour: RGBColor) {
    let reach = Int(radius.rounded(.up))
    let (cx, cy) = (Int(centre.x.rounded(.down)), Int(centre.y.rounded(.down)))
    for y in (cy - reach)...(cy + reach) where y >= 0 && y < height {
      for x in (cx - reach)...(cx + reach) where x >= 0 && x < width {
        let (dx, dy) = (Double(x) + 0.5 - centre.x, Double(y) + 0.5 - centre.y)
        guard dx * dx + dy * dy <= max(radius * radius, 0.5) else { continue }
        let index = (y * width + x) * 3
        pixels[index] = colour.red
        pixels[index + 1] = colour.green
        pixels[index + 2] = colour.blue
      }
    }
  }
}
