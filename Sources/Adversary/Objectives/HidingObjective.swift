/// The hiding goal's loss: a hinge on every face score margin of an image.
///
/// Each output is a candidate's margin `m_k = s_k − t` (a detector's face score minus its
/// threshold: above 0 the detector reports the window). With κ the goal's margin,
/// `loss = Σ_k max(m_k + κ, 0)`, whose gradient is 1 at every candidate still above `−κ` and 0
/// elsewhere: each step pushes down all the windows that could still report the face, and none
/// that is already hidden with κ to spare. The loss is 0 exactly when every margin is `≤ −κ`.
public struct HidingObjective: AttackObjective {
  /// κ, in the detector's score units (≥ 0).
  public let kappa: Float

  /// The hinge sum with margin `kappa`.
  public init(kappa: Float) {
    self.kappa = kappa
  }

  /// The loss of one image's margins `output` (`K` values, any `K`) and, when `gradient` is
  /// given, its gradient (see the type's doc).
  public func loss(
    sample: Int, output margins: UnsafeBufferPointer<Float>,
    gradient: UnsafeMutableBufferPointer<Float>?
  ) -> Float {
    var total: Float = 0
    for (k, margin) in margins.enumerated() {
      let excess = margin + kappa
      let active = excess > 0
      if active { total += excess }
      gradient?[k] = active ? 1 : 0
    }
    return total
  }
}
