import Foundation

/// The Wilson score interval of a success rate.
///
/// It is the range of true rates consistent with `successes` out of `trials` at the given
/// confidence. Unlike the normal approximation it stays
/// inside 0...1 and is not empty at 0 or `trials` successes.
public struct WilsonInterval: Sendable, Equatable {
  /// The lower end, in 0...1.
  public let lower: Double
  /// The upper end, in 0...1.
  public let upper: Double

  /// The two-sided 95 % normal quantile.
  public static let z95 = 1.959_963_984_540_054

  /// - Parameters:
  ///   - successes: how many trials succeeded, `0...trials`.
  ///   - trials: how many trials ran; with none the interval is all of 0...1.
  ///   - z: the normal quantile of the confidence (1.96 for 95 %).
  /// - Precondition: `0 <= successes <= trials`.
  public init(successes: Int, trials: Int, z: Double = WilsonInterval.z95) {
    precondition(
      successes >= 0 && successes <= trials,
      "[WilsonInterval] \(successes) successes out of \(trials) trials")
    guard trials > 0 else {
      (lower, upper) = (0, 1)
      return
    }
    let n = Double(trials)
    let rate = Double(successes) / n
    let z2 = z * z
    let centre = (rate + z2 / (2 * n)) / (1 + z2 / n)
    let halfWidth = z * (rate * (1 - rate) / n + z2 / (4 * n * n)).squareRoot() / (1 + z2 / n)
    lower = max(0, centre - halfWidth)
    upper = min(1, centre + halfWidth)
  }
}
