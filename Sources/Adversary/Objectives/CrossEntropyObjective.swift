#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Cross-entropy of the softmax of logits against one class per image.
///
/// With `p = softmax(z)` and `log p_c = z_c − log Σ_j exp z_j` (computed stably in `Double`):
/// - untargeted (move away from class `y`): `loss = log p_y = −CE(y)`,
///   `∂loss/∂z_j = [j = y] − p_j`;
/// - targeted (move to class `t`): `loss = −log p_t = CE(t)`, `∂loss/∂z_j = p_j − [j = t]`.
public struct CrossEntropyObjective: AttackObjective {
  /// One class index per image of the attacked batch.
  public let labels: [Int]
  /// Whether the labels are targets (minimise CE) or the classes to leave (maximise CE).
  public let targeted: Bool

  /// An objective for `labels[i]` of image `i`.
  public init(labels: [Int], targeted: Bool) {
    self.labels = labels
    self.targeted = targeted
  }

  /// The loss of image `sample` and, when `gradient` is given, its gradient (see the type's doc).
  public func loss(
    sample: Int, output z: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>?
  ) -> Float {
    let label = labels[sample]
    precondition(
      label >= 0 && label < z.count, "[crossEntropy] label \(label) for \(z.count) logits")
    var top = Double(z[0])
    for j in 1..<z.count { top = Swift.max(top, Double(z[j])) }
    var total = 0.0
    for j in 0..<z.count { total += exp(Double(z[j]) - top) }
    let logTotal = top + log(total)
    let logProbability = Double(z[label]) - logTotal
    if let gradient {
      let sign: Double = targeted ? 1 : -1
      for j in 0..<z.count {
        let p = exp(Double(z[j]) - logTotal)
        gradient[j] = Float(sign * (p - (j == label ? 1 : 0)))
      }
    }
    return Float(targeted ? -logProbability : logProbability)
  }
}
