import FaceTensor

/// The result of comparing an analytic gradient with central differences.
struct GradientCheckReport: CustomStringConvertible {
  let worstIndex: Int
  let analytic: Double
  let numeric: Double
  let relativeError: Double
  let tolerance: Double

  var passes: Bool { relativeError <= tolerance }

  var description: String {
    "worst element \(worstIndex): analytic \(analytic), numeric \(numeric), relative error"
      + " \(relativeError) (tolerance \(tolerance))"
  }
}

/// Compares `analytic` (the gradient of `loss` at `point`) with central differences of `loss`
/// with step `h`, element by element; the relative error's denominator is floored at `floor`.
func checkGradient(
  of loss: (Tensor) -> Double, at point: Tensor, analytic: Tensor, h: Float = 1e-2,
  floor: Double = 1e-3, tolerance: Double = 1e-2
) -> GradientCheckReport {
  precondition(analytic.shape == point.shape, "[gradientCheck] shapes differ")
  var worst = GradientCheckReport(
    worstIndex: -1, analytic: 0, numeric: 0, relativeError: 0, tolerance: tolerance)
  for i in 0..<point.count {
    var plus = point
    var minus = point
    plus.withUnsafeMutableBufferPointer { $0[i] += h }
    minus.withUnsafeMutableBufferPointer { $0[i] -= h }
    let step = Double(plus.scalars[i]) - Double(minus.scalars[i])
    let numeric = (loss(plus) - loss(minus)) / step
    let exact = Double(analytic.scalars[i])
    let error = abs(exact - numeric) / max(abs(exact), abs(numeric), floor)
    if error > worst.relativeError || worst.worstIndex < 0 {
      worst = GradientCheckReport(
        worstIndex: i, analytic: exact, numeric: numeric, relativeError: error,
        tolerance: tolerance)
    }
  }
  return worst
}
