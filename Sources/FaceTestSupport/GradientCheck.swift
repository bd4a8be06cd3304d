import FaceTensor

/// The outcome of comparing a hand-derived gradient with central finite differences.
///
/// `passes` is true when every checked element's relative error
/// `|analytic - numeric| / max(|analytic|, |numeric|, denominatorFloor)` is at most `tolerance`.
/// The description names the worst element (multi-index and flat index) with both values.
public struct GradientCheckReport: Sendable, CustomStringConvertible {
  /// What was checked, for the message, such as "Conv2D kernel".
  public let label: String
  /// Shape of the tensor the gradient is taken with respect to.
  public let shape: [Int]
  /// How many elements were compared (all of them, or a seeded sample).
  public let checkedCount: Int
  /// Flat index of the element with the largest relative error.
  public let worstFlatIndex: Int
  /// The hand-derived gradient at `worstFlatIndex`.
  public let worstAnalytic: Double
  /// The central difference at `worstFlatIndex`.
  public let worstNumeric: Double
  /// The largest relative error found.
  public let worstRelativeError: Double
  /// The pass threshold on the relative error.
  public let tolerance: Double
  /// Whether the analytic gradient had the expected shape (a wrong shape always fails).
  public let shapesAgree: Bool
  /// Elements left out because their finite difference straddles a kink (only when the check was
  /// asked to skip kinks).
  public let kinkCount: Int
  /// The largest accepted `kinkCount / checkedCount`.
  public let maximumKinkFraction: Double

  /// Whether every compared element is within tolerance, the shapes agree, and few enough elements
  /// were skipped as kinks.
  public var passes: Bool {
    shapesAgree && worstRelativeError <= tolerance
      && Double(kinkCount) <= maximumKinkFraction * Double(max(checkedCount, 1))
  }

  /// The multi-dimensional index of the worst element.
  public var worstIndex: [Int] {
    var rest = worstFlatIndex
    var index = [Int](repeating: 0, count: shape.count)
    for axis in shape.indices.reversed() where shape[axis] > 0 {
      index[axis] = rest % shape[axis]
      rest /= shape[axis]
    }
    return index
  }

  /// A one-line human-readable form.
  public var description: String {
    guard shapesAgree else {
      return
        "gradient check '\(label)' FAILED: analytic gradient has the wrong shape (expected \(shape))"
    }
    let verdict = passes ? "passed" : "FAILED"
    return
      "gradient check '\(label)' \(verdict): worst element \(worstIndex) (flat \(worstFlatIndex)) "
      + "analytic \(worstAnalytic), numeric \(worstNumeric), relative error \(worstRelativeError) "
      + "(tolerance \(tolerance)); \(checkedCount) of \(shape.reduce(1, *)) elements checked"
      + (kinkCount > 0
        ? ", \(kinkCount) skipped as kinks (at most \(maximumKinkFraction) allowed)" : "")
  }
}

/// Checks a hand-derived gradient of the scalar `L(x) = Σ f(x) ⊙ upstream` against central finite
/// differences.
///
/// For each checked element `i`: `numeric = (L(x + ε eᵢ) - L(x - ε eᵢ)) / (x₊ - x₋)`, with `L`
/// accumulated in `Double` and the denominator the actual Float difference of the perturbed values
/// (so the step's rounding does not count as error).
///
/// - Parameters:
///   - label: names the check in the report.
///   - f: the function, evaluated in Float (e.g. a layer's forward pass, or a parameter → output map).
///   - x: the point; `analytic` must have its shape.
///   - upstream: the seed `dL/df`, with `f(x)`'s element count.
///   - analytic: the hand-derived `dL/dx`.
///   - epsilon: the finite-difference step (≈1e-2 for Float data).
///   - tolerance: largest accepted relative error.
///   - denominatorFloor: the relative error's denominator is at least this.
///   - sampleLimit: above this many elements, a seeded sample of this size is checked.
///   - skippingKinks: for piecewise functions (networks with ReLU or max pooling, rounding): also
///     evaluate `L(x)` and leave out an element whose one-sided differences
///     `(L(x+) - L(x)) / ε` and `(L(x) - L(x-)) / ε` disagree by more than `kinkRule` allows: the
///     step crossed a kink or a jump, where no finite difference is meaningful. With the default
///     rule (relative disagreement above `tolerance`), a kink crossed inside the step moves the
///     central difference by half that disagreement, so kept elements carry at most
///     `tolerance / 2` of kink error. The decision uses `L` only, never the analytic gradient, so
///     the remaining elements are checked as strictly.
///   - kinkRule: how far the one-sided differences may disagree when `skippingKinks`; `nil` means
///     `KinkRule(relativeTolerance: tolerance, denominatorFloor: denominatorFloor)`.
///   - maximumKinkFraction: the check fails if more than this fraction of elements are skipped.
///   - generator: draws the sample.
public func checkGradient(
  _ label: String = "gradient",
  of f: (Tensor) -> Tensor, at x: Tensor, upstream: Tensor, analytic: Tensor,
  epsilon: Float = 1e-2, tolerance: Double = 1e-2, denominatorFloor: Double = 1e-3,
  sampleLimit: Int = 10_000, skippingKinks: Bool = false, kinkRule: KinkRule? = nil,
  maximumKinkFraction: Double = 0.1,
  generator: inout SplitMix64
) -> GradientCheckReport {
  checkGradient(
    label,
    ofScalar: { point in
      let y = f(point)
      precondition(
        y.count == upstream.count,
        "[checkGradient] f gives \(y.count) elements, upstream has \(upstream.count)")
      return y.dot(upstream)
    }, at: x, analytic: analytic, epsilon: epsilon, tolerance: tolerance,
    denominatorFloor: denominatorFloor, sampleLimit: sampleLimit, skippingKinks: skippingKinks,
    kinkRule: kinkRule, maximumKinkFraction: maximumKinkFraction, generator: &generator)
}

/// Checks a hand-derived gradient of a scalar function `loss` (evaluated in `Double`, such as an
/// attack objective) against central finite differences.
///
/// The parameters and the report are those of `checkGradient(_:of:at:upstream:analytic:...)`,
/// with `loss` in place of `f` and `upstream`.
public func checkGradient(
  _ label: String = "gradient",
  ofScalar loss: (Tensor) -> Double, at x: Tensor, analytic: Tensor,
  epsilon: Float = 1e-2, tolerance: Double = 1e-2, denominatorFloor: Double = 1e-3,
  sampleLimit: Int = 10_000, skippingKinks: Bool = false, kinkRule: KinkRule? = nil,
  maximumKinkFraction: Double = 0.1,
  generator: inout SplitMix64
) -> GradientCheckReport {
  guard analytic.shape == x.shape else {
    return GradientCheckReport(
      label: label, shape: x.shape, checkedCount: 0, worstFlatIndex: 0, worstAnalytic: .nan,
      worstNumeric: .nan, worstRelativeError: .infinity, tolerance: tolerance, shapesAgree: false,
      kinkCount: 0, maximumKinkFraction: maximumKinkFraction)
  }
  let indices: [Int]
  if x.count <= sampleLimit {
    indices = Array(0..<x.count)
  } else {
    var all = Array(0..<x.count)
    all.shuffle(using: &generator)
    indices = Array(all.prefix(sampleLimit))
  }
  var worst = (index: 0, analytic: 0.0, numeric: 0.0, error: -1.0)
  var kinkCount = 0
  let kinkRule =
    kinkRule ?? KinkRule(relativeTolerance: tolerance, denominatorFloor: denominatorFloor)
  let lossAtX = skippingKinks ? loss(x) : 0
  var probe = x
  for i in indices {
    let original = x.scalars[i]
    let plus = original + epsilon
    let minus = original - epsilon
    probe.withUnsafeMutableBufferPointer { $0[i] = plus }
    let lossPlus = loss(probe)
    probe.withUnsafeMutableBufferPointer { $0[i] = minus }
    let lossMinus = loss(probe)
    probe.withUnsafeMutableBufferPointer { $0[i] = original }
    let numeric = (lossPlus - lossMinus) / (Double(plus) - Double(minus))
    if skippingKinks {
      let right = (lossPlus - lossAtX) / (Double(plus) - Double(original))
      let left = (lossAtX - lossMinus) / (Double(original) - Double(minus))
      if kinkRule.separates(right, left) {
        kinkCount += 1
        continue
      }
    }
    let a = Double(analytic.scalars[i])
    let error = relativeError(a, numeric, floor: denominatorFloor)
    if error > worst.error || error.isNaN {
      worst = (i, a, numeric, error.isNaN ? .infinity : error)
    }
  }
  return GradientCheckReport(
    label: label, shape: x.shape, checkedCount: indices.count, worstFlatIndex: worst.index,
    worstAnalytic: worst.analytic, worstNumeric: worst.numeric,
    worstRelativeError: max(worst.error, 0), tolerance: tolerance, shapesAgree: true,
    kinkCount: kinkCount, maximumKinkFraction: maximumKinkFraction)
}

/// When a gradient check that skips kinks takes an element's step to cross a kink or a jump: its
/// one-sided differences `right` and `left` disagree by more than
/// `absoluteTolerance + relativeTolerance · max(|right|, |left|, denominatorFloor)`.
public struct KinkRule: Sendable, Equatable {
  /// The accepted disagreement relative to the larger one-sided difference.
  public var relativeTolerance: Double
  /// The larger one-sided difference counts as at least this.
  public var denominatorFloor: Double
  /// The accepted disagreement on top of the relative part.
  public var absoluteTolerance: Double

  /// A rule accepting `absoluteTolerance + relativeTolerance · max(|right|, |left|,
  /// denominatorFloor)` of disagreement.
  public init(
    relativeTolerance: Double, denominatorFloor: Double = 0, absoluteTolerance: Double = 0
  ) {
    self.relativeTolerance = relativeTolerance
    self.denominatorFloor = denominatorFloor
    self.absoluteTolerance = absoluteTolerance
  }

  /// Whether the one-sided differences `right` and `left` disagree by more than the rule
  /// accepts (never for NaN).
  public func separates(_ right: Double, _ left: Double) -> Bool {
    abs(right - left)
      > absoluteTolerance + relativeTolerance * max(abs(right), abs(left), denominatorFloor)
  }
}

/// `|a - b| / max(|a|, |b|, floor)`.
public func relativeError(_ a: Double, _ b: Double, floor: Double) -> Double {
  abs(a - b) / max(abs(a), abs(b), floor)
}
