import FaceTensor

/// The distance of each descriptor to its reference, signed for the attack's intent:
/// `loss = −d` for dodging (push away from the source), `loss = d` for impersonation (pull to the
/// target), with `d` and its gradient from `DistanceMetric.distance(from:to:gradient:)`.
///
/// NOTE: at the clean image a dodging loss has `d = 0` and a zero gradient, so a gradient attack
/// must start from a random point (`AttackGoal.needsRandomStart`).
public struct EmbeddingDistanceObjective: AttackObjective {
  /// Reference descriptors `[N, D]`, or `[1, D]` shared by every image.
  public let references: Tensor
  /// How descriptors are compared.
  public let metric: DistanceMetric
  /// Away from (dodging) or towards (impersonation) the reference.
  public let intent: EmbeddingIntent

  /// An objective comparing image `i`'s descriptor with row `i` of `references` (or its only row).
  /// - Precondition: `references` has rank 2.
  public init(references: Tensor, metric: DistanceMetric, intent: EmbeddingIntent) {
    precondition(
      references.rank == 2, "[embedding] references must be [N, D], got \(references.shape)")
    self.references = references
    self.metric = metric
    self.intent = intent
  }

  /// The loss of image `sample` and, when `gradient` is given, its gradient (see the type's doc).
  public func loss(
    sample: Int, output: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>?
  ) -> Float {
    let d = references.withReferenceRow(for: sample) { reference in
      metric.distance(from: output, to: reference, gradient: gradient)
    }
    guard intent == .dodging else { return d }
    if let gradient { for j in gradient.indices { gradient[j] = -gradient[j] } }
    return -d
  }
}

/// The Carlini-Wagner hinge for embeddings with confidence κ and threshold T:
/// `loss = max(T + κ − d, 0)` for dodging, `loss = max(d − T + κ, 0)` for impersonation; its
/// gradient is `∓∂d/∂output` while the hinge is active, 0 once the margin κ is reached.
public struct EmbeddingHingeObjective: AttackObjective {
  /// The underlying distance (its sign is ignored: only `d` is used).
  public let distance: EmbeddingDistanceObjective
  /// The success threshold T on the distance.
  public let threshold: Float
  /// The confidence κ, in distance units (≥ 0).
  public let kappa: Float

  /// A hinge on the distance of `references`/`metric`/`intent` with threshold and confidence.
  public init(
    references: Tensor, metric: DistanceMetric, intent: EmbeddingIntent, threshold: Float,
    kappa: Float
  ) {
    distance = EmbeddingDistanceObjective(references: references, metric: metric, intent: intent)
    self.threshold = threshold
    self.kappa = kappa
  }

  /// The loss of image `sample` and, when `gradient` is given, its gradient (see the type's doc).
  public func loss(
    sample: Int, output: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>?
  ) -> Float {
    let d = distance.references.withReferenceRow(for: sample) { reference in
      distance.metric.distance(from: output, to: reference, gradient: gradient)
    }
    let dodging = distance.intent == .dodging
    let value = dodging ? threshold + kappa - d : d - threshold + kappa
    if let gradient {
      let scale: Float = value > 0 ? (dodging ? -1 : 1) : 0
      for j in gradient.indices { gradient[j] *= scale }
    }
    return Swift.max(value, 0)
  }
}

extension Tensor {
  /// Calls `body` with row `sample` of this `[N, D]` tensor, or with its only row when N = 1.
  func withReferenceRow<R>(for sample: Int, _ body: (UnsafeBufferPointer<Float>) -> R) -> R {
    let width = shape[1]
    let row = shape[0] == 1 ? 0 : sample
    precondition(row < shape[0], "[embedding] no reference row \(row) in \(shape)")
    return withUnsafeBufferPointer { values in
      body(UnsafeBufferPointer(rebasing: values[(row * width)..<((row + 1) * width)]))
    }
  }
}
