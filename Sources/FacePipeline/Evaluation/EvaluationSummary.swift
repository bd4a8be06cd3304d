/// What an evaluation found, per method x budget x EOT setting: how often the attack succeeded
/// (with a 95 % Wilson interval) and what it cost, as medians over the photos.
public struct EvaluationSummary: Codable, Sendable, Equatable {
  /// One method x budget x EOT setting.
  public struct Row: Codable, Sendable, Equatable {
    /// The attack method's name.
    public var method: String
    /// The L-inf budget, in levels of 0...255.
    public var eps: Double
    /// EOT samples per gradient.
    public var eot: Int
    /// Cells with a result.
    public var count: Int
    /// Cells whose goal was reached on the saved file.
    public var successes: Int
    /// `successes / count`.
    public var successRate: Double
    /// The 95 % Wilson interval of the success rate.
    public var successLower: Double
    /// See `successLower`.
    public var successUpper: Double
    /// Median descriptor distance after the attack (recognizers that compare descriptors).
    public var medianDistanceAfter: Double?
    /// Classifiers: the median probability after the attack of the class the goal is about:
    /// the target's (`target:NAME`), else the clean photo's top-1 class (0 when out of the top
    /// five).
    public var medianProbabilityAfter: Double?
    /// Median PSNR of the adversarial photo against the clean one, dB (finite values only).
    public var medianPSNR: Double?
    /// Median SSIM, 0...1.
    public var medianSSIM: Double?
    /// Median wall time per cell, seconds.
    public var medianSeconds: Double

    enum CodingKeys: String, CodingKey {
      case method, eps, eot, count, successes
      case successRate = "success_rate"
      case successLower = "success_lower"
      case successUpper = "success_upper"
      case medianDistanceAfter = "median_distance_after"
      case medianProbabilityAfter = "median_probability_after"
      case medianPSNR = "median_psnr"
      case medianSSIM = "median_ssim"
      case medianSeconds = "median_seconds"
    }
  }

  /// The grid's goal (`dodge`, `untargeted`, `target:NAME`, `impersonate:SHA256`).
  public var goal: String
  /// The rows, in the grid's order of methods, budgets and EOT settings.
  public var rows: [Row]
  /// Cells of the grid with a result, and all cells of the grid.
  public var done: Int
  /// See `done`.
  public var total: Int

  /// The summary of `records` for `grid` (records of other cells are ignored).
  public init(grid: EvaluationGrid, records: [CellRecord]) {
    let cells = Set(grid.cells)
    let results = records.filter { cells.contains($0.cell) }
    var rows: [Row] = []
    for method in grid.methods {
      for eps in grid.epsilons {
        for eot in grid.eotSamples {
          let group = results.filter { $0.method == method && $0.eps == eps && $0.eot == eot }
          guard !group.isEmpty else { continue }
          let successes = group.filter(\.success).count
          let interval = WilsonInterval(successes: successes, trials: group.count)
          rows.append(
            Row(
              method: method, eps: eps, eot: eot, count: group.count, successes: successes,
              successRate: Double(successes) / Double(group.count),
              successLower: interval.lower, successUpper: interval.upper,
              medianDistanceAfter: Self.median(group.compactMap(\.after.distance)),
              medianProbabilityAfter: Self.median(
                group.compactMap { $0.probabilityAfter(goal: grid.goal) }),
              medianPSNR: Self.median(group.compactMap(\.psnr).filter(\.isFinite)),
              medianSSIM: Self.median(group.compactMap(\.ssim)),
              medianSeconds: Self.median(group.map(\.seconds)) ?? 0))
        }
      }
    }
    self.rows = rows
    goal = grid.goal
    done = results.count
    total = cells.count
  }

  /// The median (the mean of the middle two for an even count), or nil for no values.
  static func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}

extension CellRecord {
  /// Classifiers: the probability after the attack of the class `goal` is about (the target of
  /// `target:NAME`, else the clean top-1), 0 when it left the top five; nil for descriptors.
  func probabilityAfter(goal: String) -> Double? {
    guard let predictions = after.predictions else { return nil }
    let label =
      goal.hasPrefix("target:")
      ? String(goal.dropFirst("target:".count)) : before.predictions?.first?.label
    return predictions.first { $0.label == label }?.probability ?? 0
  }
}
