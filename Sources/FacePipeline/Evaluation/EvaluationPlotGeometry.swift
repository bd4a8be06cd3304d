import Foundation

/// Where everything of a plot goes on a canvas of `width` x `height` pixels (or SVG user units),
/// shared by the SVG and the PNG renderer: the frame, the ticks, the points and the legend.
struct EvaluationPlotGeometry {
  let width: Double
  let height: Double
  /// Margins around the frame: ticks and labels left and below, the legend right.
  let left = 64.0
  let right = 190.0
  let top = 34.0
  let bottom = 48.0
  let xRange: ClosedRange<Double>
  let yRange: ClosedRange<Double>

  /// Series colours, from a palette readable by people with the common colour-vision
  /// deficiencies (Okabe and Ito).
  static let palette: [RGBColor] = [
    (0x00, 0x72, 0xB2), (0xD5, 0x5E, 0x00), (0x00, 0x9E, 0x73), (0xCC, 0x79, 0xA7),
    (0xE6, 0x9F, 0x00), (0x56, 0xB4, 0xE9), (0x00, 0x00, 0x00), (0xF0, 0xE4, 0x42),
  ].map { RGBColor(red: $0.0, green: $0.1, blue: $0.2) }

  init(_ plot: EvaluationPlot, width: Double, height: Double) {
    self.width = width
    self.height = height
    let xs = plot.series.flatMap { $0.points.map(\.x) }
    let ys = plot.series.flatMap { $0.points.map(\.y) }
    xRange = Self.padded(xs.min() ?? 0, xs.max() ?? 1)
    yRange = plot.yRange ?? Self.padded(ys.min() ?? 0, ys.max() ?? 1)
  }

  var plotWidth: Double { width - left - right }
  var plotHeight: Double { height - top - bottom }

  /// The canvas column of data value `value`.
  func x(_ value: Double) -> Double {
    left + (value - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * plotWidth
  }

  /// The canvas row of data value `value` (up is larger).
  func y(_ value: Double) -> Double {
    top + plotHeight - (value - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound)
      * plotHeight
  }

  /// The canvas positions of a series' points; the dots of a distribution are spread a little
  /// sideways so that equal values stay visible.
  func positions(of series: EvaluationPlot.Series) -> [(x: Double, y: Double)] {
    series.points.enumerated().map { offset, point in
      (x(point.x) + (series.joined ? 0 : Double(offset % 7 - 3) * 1.5), y(point.y))
    }
  }

  /// The row of the legend entry `index`.
  func legendRow(_ index: Int) -> Double { top + 8 + Double(index) * 18 }

  /// The colour of series `index`.
  func colour(_ index: Int) -> RGBColor { Self.palette[index % Self.palette.count] }

  /// A range around `low...high`, never empty.
  static func padded(_ low: Double, _ high: Double) -> ClosedRange<Double> {
    guard high > low else { return (low - 1)...(high + 1) }
    let margin = (high - low) * 0.05
    return (low - margin)...(high + margin)
  }

  /// About five round tick values inside `range`.
  static func ticks(_ range: ClosedRange<Double>) -> [Double] {
    let raw = (range.upperBound - range.lowerBound) / 5
    let magnitude = pow(10, floor(log10(raw)))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
    let first = (range.lowerBound / step).rounded(.up) * step
    return stride(from: first, through: range.upperBound + step * 1e-9, by: step).map { $0 }
  }

  /// A tick label: three significant digits, no trailing zeros.
  static func label(_ value: Double) -> String {
    let text = String(format: "%.3g", value)
    return text == "-0" ? "0" : text
  }
}
