import Foundation

/// A plot of an evaluation: points or lines over the budget ε, one series per method (and EOT
/// setting), drawn as SVG by the project (no scripts, no fonts from elsewhere).
public struct EvaluationPlot: Sendable, Equatable {
  /// One named series: its points, joined by a line or drawn as dots.
  public struct Series: Sendable, Equatable {
    /// The legend's text.
    public var name: String
    /// (x, y) pairs in data units.
    public var points: [(x: Double, y: Double)]
    /// Join the points (a curve) or draw them alone (a distribution).
    public var joined: Bool

    /// Same name, kind and points.
    public static func == (a: Series, b: Series) -> Bool {
      a.name == b.name && a.joined == b.joined && a.points.elementsEqual(b.points) { $0 == $1 }
    }
  }

  /// The title above the plot.
  public var title: String
  /// The x axis's label, with its unit.
  public var xLabel: String
  /// The y axis's label, with its unit.
  public var yLabel: String
  /// The series, drawn in order.
  public var series: [Series]
  /// The y range, or nil to fit the data.
  public var yRange: ClosedRange<Double>?

  /// The three plots of a summary and its records.
  ///
  /// They are: success rate against ε per method (a line per EOT setting), median PSNR against
  /// ε, and the judged distance (or top-1 probability) after the attack of every cell, per ε.
  public static func plots(for summary: EvaluationSummary, records: [CellRecord])
    -> [EvaluationPlot]
  {
    let groups = Dictionary(grouping: summary.rows) { "\($0.method), EOT \($0.eot)" }
      .sorted { $0.key < $1.key }
    let success = EvaluationPlot(
      title: "Success rate against the budget", xLabel: "ε (pixel levels of 0-255)",
      yLabel: "success rate (%)",
      series: groups.map { name, rows in
        Series(name: name, points: rows.map { ($0.eps, 100 * $0.successRate) }, joined: true)
      }, yRange: 0...100)
    let psnr = EvaluationPlot(
      title: "Image quality against the budget", xLabel: "ε (pixel levels of 0-255)",
      yLabel: "median PSNR (dB)",
      series: groups.map { name, rows in
        Series(
          name: name, points: rows.compactMap { row in row.medianPSNR.map { (row.eps, $0) } },
          joined: true)
      }, yRange: nil)
    let usesDistance = records.contains { $0.after.distance != nil }
    let goal = summary.goal
    let judged = Dictionary(grouping: records) { "\($0.method), EOT \($0.eot)" }
      .sorted { $0.key < $1.key }
    let distribution = EvaluationPlot(
      title: usesDistance
        ? "Descriptor distance after the attack" : "Probability after the attack",
      xLabel: "ε (pixel levels of 0-255)",
      yLabel: usesDistance ? "distance to the reference" : "probability of the goal's class",
      series: judged.map { name, cells in
        Series(
          name: name,
          points: cells.compactMap { cell in
            (usesDistance ? cell.after.distance : cell.probabilityAfter(goal: goal))
              .map { (cell.eps, $0) }
          }, joined: false)
      }, yRange: nil)
    return [success, psnr, distribution]
  }
}
