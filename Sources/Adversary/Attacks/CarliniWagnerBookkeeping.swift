import FaceTensor

/// C&W's binary search over the trade-off constant c, per image: c grows ×10 until a round
/// succeeds, then bisects the bracket `[lower, upper]` (upper = 1e10 until a success).
struct ConstantSearch {
  /// Each image's current c.
  private(set) var values: [Double]
  private var lower: [Double]
  private var upper: [Double]

  /// c = `initial` for each of `images` images, with the bracket `[0, 1e10]`.
  init(initial: Double, images: Int) {
    values = [Double](repeating: initial, count: images)
    lower = [Double](repeating: 0, count: images)
    upper = [Double](repeating: 1e10, count: images)
  }

  /// Moves image `sample`'s c after a round: down (bisect) after a success, up otherwise.
  mutating func update(sample i: Int, succeeded: Bool) {
    if succeeded {
      upper[i] = min(upper[i], values[i])
      if upper[i] < 1e9 { values[i] = (lower[i] + upper[i]) / 2 }
    } else {
      lower[i] = max(lower[i], values[i])
      values[i] = upper[i] < 1e9 ? (lower[i] + upper[i]) / 2 : values[i] * 10
    }
  }
}

/// C&W's results per image: the round's candidate and the best image so far.
///
/// The candidate is the smallest-L2 image of the round that reached the goal's margin as
/// optimised; the best is the smallest-L2 candidate that still succeeded after 8-bit rounding.
/// Distances are L2 in levels; `infinity` means none.
struct SmallestPerturbations {
  private let inputs: AttackInputs
  /// The best images `[N, H, W, C]`: the original where none succeeded.
  private(set) var best: Tensor
  private var bestL2: [Double]
  private var candidates: Tensor
  private var candidateL2: [Double]

  /// No candidate and no best result for any image of `inputs`.
  init(inputs: AttackInputs) {
    self.inputs = inputs
    best = inputs.original
    candidates = inputs.original
    bestL2 = [Double](repeating: .infinity, count: inputs.imageCount)
    candidateL2 = bestL2
  }

  /// Records that the images `samples` need no perturbation: their best is the original.
  mutating func markUnperturbed(_ samples: Set<Int>) {
    for i in samples { bestL2[i] = 0 }
  }

  /// Forgets the previous round's candidates.
  mutating func startRound() {
    candidateL2 = [Double](repeating: .infinity, count: inputs.imageCount)
  }

  /// Keeps image `sample` of `images` `[N, H, W, C]`, at distance `l2` from its original, as the
  /// round's candidate if it is closer than the current one.
  mutating func offerCandidate(_ sample: Int, of images: Tensor, l2: Double) {
    guard l2 < candidateL2[sample] else { return }
    candidateL2[sample] = l2
    inputs.copyImage(sample, from: images, to: &candidates)
  }

  /// Re-checks each of the images `todo` with a candidate after 8-bit rounding, keeps those
  /// that succeed and are closer than the best, and returns the images whose candidate succeeded.
  mutating func finishRound<Model>(todo: [Int], evaluator: AttackEvaluator<Model>) -> Set<Int> {
    let found = todo.filter { candidateL2[$0].isFinite }
    var succeeded = Set<Int>()
    for (i, judged) in zip(found, evaluator.assessRounded(candidates, samples: found))
    where judged.assessment.success {
      succeeded.insert(i)
      if candidateL2[i] < bestL2[i] {
        bestL2[i] = candidateL2[i]
        inputs.copyImage(i, from: candidates, to: &best)
      }
    }
    return succeeded
  }
}

/// Carlini's "abort early": every `interval` steps of a round, an image whose loss has not
/// fallen by 0.01% since the previous check stalls.
struct LossPlateau {
  let interval: Int
  private var previous: [Double]

  /// No loss recorded yet for any of `images` images.
  init(interval: Int, images: Int) {
    self.interval = interval
    previous = [Double](repeating: .infinity, count: images)
  }

  /// Whether image `sample` stalls at `step` with `loss`; records the loss at each check.
  mutating func stalls(sample i: Int, step: Int, loss: Double) -> Bool {
    guard step > 0 && step % interval == 0 else { return false }
    defer { previous[i] = loss }
    return loss > previous[i] * 0.9999
  }
}
