import Foundation

extension EvaluationPlot {
  /// The plot as a standalone SVG element of `width` x `height` user units.
  public func svg(width: Double = 580, height: Double = 360) -> String {
    let g = EvaluationPlotGeometry(self, width: width, height: height)
    func f(_ value: Double) -> String { String(format: "%.1f", value) }
    func hex(_ c: RGBColor) -> String { String(format: "#%02X%02X%02X", c.red, c.green, c.blue) }
    var svg = [
      #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(f(width))" height="\#(f(height))" "#
        + #"viewBox="0 0 \#(f(width)) \#(f(height))" "#
        + #"font-family="DejaVu Sans, sans-serif" font-size="12">"#,
      #"<rect width="100%" height="100%" fill="white"/>"#,
      #"<text x="\#(f(g.left))" y="20" font-size="14" font-weight="bold">\#(escaped(title))</text>"#,
      #"<rect x="\#(f(g.left))" y="\#(f(g.top))" width="\#(f(g.plotWidth))" "#
        + #"height="\#(f(g.plotHeight))" fill="none" stroke="dimgray"/>"#,
    ]
    let bottom = g.top + g.plotHeight
    for tick in EvaluationPlotGeometry.ticks(g.xRange) {
      svg.append(
        #"<line x1="\#(f(g.x(tick)))" y1="\#(f(bottom))" x2="\#(f(g.x(tick)))" "#
          + #"y2="\#(f(bottom + 5))" stroke="dimgray"/><text x="\#(f(g.x(tick)))" "#
          + #"y="\#(f(bottom + 18))" text-anchor="middle">"#
          + #"\#(EvaluationPlotGeometry.label(tick))</text>"#)
    }
    for tick in EvaluationPlotGeometry.ticks(g.yRange) {
      svg.append(
        #"<line x1="\#(f(g.left))" y1="\#(f(g.y(tick)))" x2="\#(f(g.left + g.plotWidth))" "#
          + #"y2="\#(f(g.y(tick)))" stroke="gainsboro"/><text x="\#(f(g.left - 6))" "#
          + #"y="\#(f(g.y(tick) + 4))" text-anchor="end">"#
          + #"\#(EvaluationPlotGeometry.label(tick))</text>"#)
    }
    svg.append(
      #"<text x="\#(f(g.left + g.plotWidth / 2))" y="\#(f(height - 10))" "#
        + #"text-anchor="middle">\#(escaped(xLabel))</text>"#)
    svg.append(
      #"<text transform="translate(16 \#(f(g.top + g.plotHeight / 2))) rotate(-90)" "#
        + #"text-anchor="middle">\#(escaped(yLabel))</text>"#)
    for (index, line) in series.enumerated() {
      let colour = hex(g.colour(index))
      let points = g.positions(of: line)
      if line.joined && points.count > 1 {
        let path = points.map { "\(f($0.x)),\(f($0.y))" }.joined(separator: " ")
        svg.append(
          #"<polyline points="\#(path)" fill="none" stroke="\#(colour)" stroke-width="2"/>"#)
      }
      for point in points {
        svg.append(
          #"<circle cx="\#(f(point.x))" cy="\#(f(point.y))" r="\#(line.joined ? 3.5 : 2.5)" "#
            + #"fill="\#(colour)"/>"#)
      }
      let row = g.legendRow(index)
      svg.append(
        #"<rect x="\#(f(g.left + g.plotWidth + 14))" y="\#(f(row - 8))" width="12" height="12" "#
          + #"fill="\#(colour)"/><text x="\#(f(g.left + g.plotWidth + 32))" "#
          + #"y="\#(f(row + 2))">\#(escaped(line.name))</text>"#)
    }
    svg.append("</svg>")
    return svg.joined(separator: "\n")
  }
}
