/// Carlini-Wagner's logit margin (their f₆) with confidence κ, one class per image.
///
/// With `o = argmax_{j≠c} z_j` (the strongest other class; the first on ties):
/// - untargeted (leave class `y`): `loss = max(z_y − z_o + κ, 0)`;
/// - targeted (reach class `t`): `loss = max(z_o − z_t + κ, 0)`.
/// The gradient is `±1` at `c` and `o` while the hinge is active, 0 once the margin κ is reached.
public struct LogitMarginObjective: AttackObjective {
  /// One class index per image of the attacked batch.
  public let labels: [Int]
  /// Whether the labels are targets or the classes to leave.
  public let targeted: Bool
  /// The confidence κ, in logits (≥ 0).
  public let kappa: Float

  /// An objective for `labels[i]` of image `i` with confidence `kappa`.
  public init(labels: [Int], targeted: Bool, kappa: Float) {
    self.labels = labels
    self.targeted = targeted
    self.kappa = kappa
  }

  /// The loss of image `sample` and, when `gradient` is given, its gradient (see the type's doc).
  public func loss(
    sample: Int, output z: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>?
  ) -> Float {
    let label = labels[sample]
    precondition(z.count >= 2, "[logitMargin] needs at least 2 logits, got \(z.count)")
    precondition(
      label >= 0 && label < z.count, "[logitMargin] label \(label) for \(z.count) logits")
    let other = LogitMarginObjective.strongestOther(than: label, in: z)
    let gap = targeted ? z[other] - z[label] : z[label] - z[other]
    let value = gap + kappa
    if let gradient {
      for j in 0..<z.count { gradient[j] = 0 }
      if value > 0 {
        gradient[label] = targeted ? -1 : 1
        gradient[other] = targeted ? 1 : -1
      }
    }
    return Swift.max(value, 0)
  }

  /// The index of the largest logit other than `excluded` (the first on ties).
  static func strongestOther(than excluded: Int, in z: UnsafeBufferPointer<Float>) -> Int {
    var best = excluded == 0 ? 1 : 0
    for j in 0..<z.count where j != excluded && z[j] > z[best] { best = j }
    return best
  }
}
