import FaceTensor

/// What an attack tries to achieve, and how success is judged.
///
/// Classification goals look at logits `[N, K]`; embedding goals at descriptors `[N, D]`; the
/// hiding goal at face score margins `[N, K]`. Every goal has a **margin** saying how far past
/// the success line an attack must get before it may stop early (and, for C&W, its confidence
/// κ): in logits for classifiers (default 0), in distance units for embeddings (default 0.1), in
/// the detector's score units for hiding (default 0). Success and early stopping are judged on
/// the image rounded to 8 bits (`PixelRounding`), the one a saved PNG holds.
///
/// Success tests:
/// - `untargeted`: the top-1 class differs from the label; margin reached when
///   `max_{j≠y} z_j − z_y ≥ margin`.
/// - `targeted`: the top-1 class is the target; margin reached when `z_t − max_{j≠t} z_j ≥ margin`.
/// - `dodging`: distance to the source descriptor `> threshold`; margin reached when
///   `≥ threshold + margin`.
/// - `impersonation`: distance to the target descriptor `≤ threshold`; margin reached when
///   `≤ threshold − margin`.
/// - `hiding`: every face score margin `< 0`; margin reached when every one is `≤ −margin`.
public enum AttackGoal: Sendable, Equatable {
  /// Push the top-1 class away from `labels` (one per image), or from each image's clean top-1
  /// class when `labels` is nil.
  case untargeted(
    labels: [Int]? = nil, loss: ClassificationLoss = .crossEntropy, margin: Float = 0)
  /// Make the top-1 class equal `labels` (one target class per image).
  case targeted(labels: [Int], loss: ClassificationLoss = .crossEntropy, margin: Float = 0)
  /// Push each descriptor away from its source descriptor: `sources` `[N, D]` (or one `[1, D]` /
  /// `[D]` for all images), or each image's clean descriptor when nil. The threshold 0.6 with
  /// Euclidean distance is dlib's same-person rule.
  case dodging(
    sources: Tensor? = nil, metric: DistanceMetric = .euclidean, threshold: Float = 0.6,
    margin: Float = 0.1)
  /// Pull each descriptor to within `threshold` of its target descriptor: `targets` `[N, D]` or one
  /// `[1, D]` / `[D]` for all images.
  case impersonation(
    targets: Tensor, metric: DistanceMetric = .euclidean, threshold: Float = 0.6,
    margin: Float = 0.1)
  /// Hide a face from detectors whose outputs are its candidates' score margins: row `i` holds
  /// image `i`'s `K` margins `s − t` (a candidate window's face score minus the detector's
  /// threshold; above 0 the detector reports it). The attack minimises the hinge sum
  /// `Σ_k max(0, m_k + margin)` (`HidingObjective`): every candidate is pushed to `−margin` or
  /// below.
  ///
  /// `K` may be 0 (nothing left to hide) but must be the same for every call of one attack: a
  /// model whose candidates change from image to image pads its rows with values at or below
  /// `−margin` (a large negative number such as `-1e9`), which count as hidden and have no
  /// gradient.
  case hiding(margin: Float = 0)

  /// How far past the success line an attack must get before it may stop early (logits for
  /// classification, distance units for embeddings, score units for hiding); C&W's confidence κ.
  public var margin: Float {
    switch self {
    case .untargeted(_, _, let margin), .targeted(_, _, let margin): return margin
    case .dodging(_, _, _, let margin), .impersonation(_, _, _, let margin): return margin
    case .hiding(let margin): return margin
    }
  }

  /// True for `dodging`, whose loss has a zero (Euclidean: undefined) gradient at the clean image,
  /// so that an attack started there never moves: attacks start from a random point for it.
  public var needsRandomStart: Bool {
    if case .dodging = self { return true }
    return false
  }
}

/// The loss a gradient attack minimises for a classification goal.
public enum ClassificationLoss: String, Sendable, Equatable, CaseIterable {
  /// Cross-entropy of softmax(logits): the attack minimises `−CE(y)` (untargeted) or `CE(t)`
  /// (targeted).
  case crossEntropy
  /// Carlini-Wagner's logit margin with κ = the goal's margin: `max(z_y − max_{j≠y} z_j + κ, 0)`
  /// (untargeted) or `max(max_{j≠t} z_j − z_t + κ, 0)` (targeted).
  case logitMargin
}

/// How two descriptors are compared.
public enum DistanceMetric: String, Sendable, Equatable, CaseIterable {
  /// `‖a − b‖₂` (dlib's metric, threshold 0.6).
  case euclidean
  /// `1 − a·b / (‖a‖₂ ‖b‖₂)`, in 0...2.
  case cosine
}

/// Whether an embedding attack moves a descriptor away from or towards its reference.
public enum EmbeddingIntent: String, Sendable, Equatable {
  /// Away from the source: success when the distance exceeds the threshold.
  case dodging
  /// Towards the target: success when the distance is at most the threshold.
  case impersonation
}
