extension Int {
  /// The largest magnitude `init(saturating:)` gives: 2^60, far beyond any pixel coordinate and
  /// far enough from `Int.max` that adding a width or a height cannot overflow.
  public static let saturatedCoordinateLimit = 1 << 60

  /// `value`, an integral coordinate computed from a detector's output, as an `Int` that never
  /// traps: values beyond ±2^60 are clamped, NaN gives 0.
  ///
  /// Detectors drop candidates with non-finite coordinates before converting them; this is the
  /// last guard for values that reach a conversion anyway (a public type built by a caller).
  /// - Parameter value: a whole number (round it first: the fraction is truncated).
  public init(saturating value: Double) {
    guard !value.isNaN else {
      self = 0
      return
    }
    let limit = Double(Int.saturatedCoordinateLimit)
    self = Int(Swift.max(Swift.min(value, limit), -limit))
  }
}
