/// What a photo attack's recognizer outputs are compared with, and how they are judged: the
/// success test the re-check applies, the verdicts the outcome reports, and the score that
/// orders candidate outputs by how far into success they are.
enum RecognitionJudge: Sendable {
  /// Classifier logits: against the clean top-1 (untargeted) or the target class.
  case classes(labels: ClassLabels, clean: Int, target: Int?)
  /// Descriptors: by Euclidean distance to the reference (the clean face's for dodging, the
  /// target's for impersonation) against the same-person threshold.
  case descriptor([Float], threshold: Double, dodging: Bool)

  /// Whether `verdict` meets the goal.
  func isSuccess(_ verdict: RecognitionVerdict) -> Bool {
    switch (self, verdict) {
    case (.classes(_, let clean, let target), .predictions(let predictions)):
      guard let top = predictions.first?.index else { return false }
      return target.map { top == $0 } ?? (top != clean)
    case (.descriptor(_, let threshold, let dodging), .distance(let distance, _)):
      return dodging ? distance > threshold : distance <= threshold
    default:
      return false
    }
  }

  /// How much a retry after a failed re-check raises the goal's margin: 1 logit for a
  /// classifier, 0.1 of distance for a descriptor.
  var marginRaise: Float {
    if case .classes = self { return 1 }
    return 0.1
  }

  /// How far one row of outputs is into success (larger is further; the sign says which side of
  /// the success line): the logit margin over the strongest rival for classes (the rival of the
  /// clean class when untargeted, of the target when targeted), the distance to the source
  /// descriptor for dodging, minus the distance to the target for impersonation.
  func successScore(_ outputs: [Float]) -> Double {
    switch self {
    case .classes(_, let clean, let target):
      let anchor = target ?? clean
      let rival = outputs.indices.filter { $0 != anchor }.map { outputs[$0] }.max() ?? 0
      let score = Double(outputs[anchor] - rival)
      return target == nil ? -score : score
    case .descriptor(let reference, _, let dodging):
      let distance = DlibResNet.distance(outputs, reference)
      return dodging ? distance : -distance
    }
  }

  /// The least successful of several candidate outputs `[1, D]` (by `successScore`): an attack
  /// judged on it succeeds only when it succeeds for every candidate.
  func leastSuccessful(_ candidates: [Tensor]) -> Tensor {
    candidates.min { successScore($0.scalars) < successScore($1.scalars) } ?? candidates[0]
  }

  /// The verdict for one row of outputs (logits or a descriptor).
  func verdict(outputs: [Float]) -> RecognitionVerdict {
    switch self {
    case .classes(let labels, _, _):
      let top = Tensor(shape: [1, outputs.count], scalars: outputs).topSoftmax(count: 5)[0]
      return .predictions(
        top.map {
          ClassPrediction(
            index: $0.index, label: labels.displayName(at: $0.index), probability: $0.probability)
        })
    case .descriptor(let reference, let threshold, _):
      let distance = DlibResNet.distance(outputs, reference)
      return .distance(distance, samePerson: distance <= threshold)
    }
  }

  /// A progress report for the engine's `progress`, with the model's outputs `[N, D]` for its
  /// images (the first row is judged).
  func progress(_ progress: AttackProgress, outputs: Tensor) -> PhotoAttackProgress {
    PhotoAttackProgress(
      step: progress.step, steps: progress.steps, run: progress.run, runs: progress.runs,
      loss: progress.meanLoss,
      current: verdict(outputs: Array(outputs.scalars.prefix(outputs.shape[1]))))
  }
}
