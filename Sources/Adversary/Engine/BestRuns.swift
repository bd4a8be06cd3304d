import FaceTensor

/// Per image, the best iterate an iterative attack has kept over its runs, with its rank and the
/// model's outputs for its 8-bit rounding.
struct BestRuns {
  private let inputs: AttackInputs
  /// The kept images `[N, H, W, C]`: the original until a run offers a better one.
  private(set) var images: Tensor
  private var ranks: [RunRank?]
  /// Per image, the output row `[D]` for the 8-bit rounding of its kept image, once a re-check
  /// computed it.
  private(set) var roundedOutputs: [[Float]?]

  /// The originals of `inputs`, none ranked yet.
  init(inputs: AttackInputs) {
    self.inputs = inputs
    images = inputs.original
    ranks = [RunRank?](repeating: nil, count: inputs.imageCount)
    roundedOutputs = [[Float]?](repeating: nil, count: inputs.imageCount)
  }

  /// Keeps image `sample` of `iterates` `[N, H, W, C]` if `rank` beats its kept run (or none is
  /// kept yet), with `roundedOutput`, the model's output row `[D]` for its 8-bit rounding.
  mutating func offer(_ sample: Int, of iterates: Tensor, rank: RunRank, roundedOutput: [Float]) {
    guard ranks[sample].map({ rank > $0 }) ?? true else { return }
    inputs.copyImage(sample, from: iterates, to: &images)
    ranks[sample] = rank
    roundedOutputs[sample] = roundedOutput
  }
}

/// How good one run's final image is, for keeping the best over restarts: an image that stopped
/// early on reaching the margin beats any attempt; attempts rank by margin reached, then success,
/// then lower loss (all after 8-bit rounding).
enum RunRank: Comparable {
  case attempt(success: Bool, reachedMargin: Bool, loss: Float)
  case finished

  static func < (a: RunRank, b: RunRank) -> Bool {
    switch (a, b) {
    case (.finished, _): return false
    case (.attempt, .finished): return true
    case (.attempt(let s1, let m1, let l1), .attempt(let s2, let m2, let l2)):
      if m1 != m2 { return !m1 }
      if s1 != s2 { return !s1 }
      return l1 > l2
    }
  }
}
