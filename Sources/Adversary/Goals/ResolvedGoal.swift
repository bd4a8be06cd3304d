import FaceTensor

/// An `AttackGoal` bound to one batch: each image's reference (label or descriptor), the losses
/// the attacks minimise, and the success test with its margin.
struct ResolvedGoal: Sendable {
  /// What each image is compared with.
  enum Reference: Sendable {
    case classes(labels: [Int], targeted: Bool)
    case descriptors(Tensor, metric: DistanceMetric, intent: EmbeddingIntent, threshold: Float)
    /// Face score margins, each to be pushed below 0.
    case scoreMargins
  }

  let reference: Reference
  /// How far past the success line an image must get before it may stop early; C&W's κ.
  let margin: Float
  /// The loss the gradient attacks (FGSM to Adam) minimise.
  let objective: any AttackObjective
  /// The Carlini-Wagner hinge with κ = `margin`.
  let hinge: any AttackObjective

  /// Checks `goal` against a batch of `cleanOutputs` `[N, D]` and fills in its defaults (the clean
  /// top-1 classes, the clean descriptors).
  /// - Throws: `AttackError` for a bad threshold, margin, label or descriptor shape.
  init(goal: AttackGoal, cleanOutputs: Tensor) throws(AttackError) {
    let imageCount = cleanOutputs.shape[0]
    let width = cleanOutputs.shape[1]
    try ResolvedGoal.check(margin: goal.margin)
    margin = goal.margin
    switch goal {
    case .untargeted(let labels, let loss, _):
      let labels =
        try labels.map { labels throws(AttackError) in
          try ResolvedGoal.checked(labels, images: imageCount, classes: width)
        }
        ?? ResolvedGoal.topClasses(of: cleanOutputs)
      reference = .classes(labels: labels, targeted: false)
      objective = ResolvedGoal.classificationObjective(
        loss, labels: labels, targeted: false, kappa: margin)
      hinge = LogitMarginObjective(labels: labels, targeted: false, kappa: margin)
    case .targeted(let labels, let loss, _):
      let labels = try ResolvedGoal.checked(labels, images: imageCount, classes: width)
      reference = .classes(labels: labels, targeted: true)
      objective = ResolvedGoal.classificationObjective(
        loss, labels: labels, targeted: true, kappa: margin)
      hinge = LogitMarginObjective(labels: labels, targeted: true, kappa: margin)
    case .dodging(let sources, let metric, let threshold, _):
      let references =
        try sources.map { sources throws(AttackError) in
          try ResolvedGoal.checked(sources, images: imageCount, width: width)
        }
        ?? cleanOutputs
      try ResolvedGoal.check(threshold: threshold)
      reference = .descriptors(references, metric: metric, intent: .dodging, threshold: threshold)
      objective = EmbeddingDistanceObjective(
        references: references, metric: metric, intent: .dodging)
      hinge = EmbeddingHingeObjective(
        references: references, metric: metric, intent: .dodging, threshold: threshold,
        kappa: margin)
    case .impersonation(let targets, let metric, let threshold, _):
      let references = try ResolvedGoal.checked(targets, images: imageCount, width: width)
      try ResolvedGoal.check(threshold: threshold)
      reference = .descriptors(
        references, metric: metric, intent: .impersonation, threshold: threshold)
      objective = EmbeddingDistanceObjective(
        references: references, metric: metric, intent: .impersonation)
      hinge = EmbeddingHingeObjective(
        references: references, metric: metric, intent: .impersonation, threshold: threshold,
        kappa: margin)
    case .hiding:
      reference = .scoreMargins
      objective = HidingObjective(kappa: margin)
      hinge = objective
    }
  }

  /// Judges image `sample` from its model output (`D` values).
  func assess(sample: Int, output: UnsafeBufferPointer<Float>) -> Assessment {
    switch reference {
    case .classes(let labels, let targeted):
      let label = labels[sample]
      var top = 0
      for j in 1..<output.count where output[j] > output[top] { top = j }
      let other = LogitMarginObjective.strongestOther(than: label, in: output)
      let lead = targeted ? output[label] - output[other] : output[other] - output[label]
      let success = targeted ? top == label : top != label
      return Assessment(
        success: success, reachedMargin: success && lead >= margin, prediction: top, distance: nil)
    case .descriptors(let references, let metric, let intent, let threshold):
      let d = references.withReferenceRow(for: sample) { metric.distance(from: output, to: $0) }
      let success = intent == .dodging ? d > threshold : d <= threshold
      let reached = intent == .dodging ? d >= threshold + margin : d <= threshold - margin
      return Assessment(
        success: success, reachedMargin: success && reached, prediction: nil, distance: d)
    case .scoreMargins:
      let highest = output.max() ?? -.infinity
      return Assessment(
        success: highest < 0, reachedMargin: highest < 0 && highest <= -margin, prediction: nil,
        distance: nil)
    }
  }

  /// Judges the images `samples` from their outputs `[k, D]`, row `k` for image `samples[k]`.
  /// - Precondition: `outputs` has rank 2 and `samples.count == k`.
  func assess(outputs: Tensor, samples: [Int]) -> [Assessment] {
    precondition(
      outputs.rank == 2 && outputs.shape[0] == samples.count,
      "[attack] \(samples.count) images to judge from outputs \(outputs.shape)")
    let width = outputs.shape[1]
    return outputs.withUnsafeBufferPointer { values in
      samples.enumerated().map { k, i in
        assess(
          sample: i, output: UnsafeBufferPointer(rebasing: values[(k * width)..<((k + 1) * width)]))
      }
    }
  }

  /// Whether the goal compares classes (rather than descriptors or score margins): the outputs
  /// are logits.
  var comparesClasses: Bool {
    if case .classes = reference { return true }
    return false
  }

  private static func classificationObjective(
    _ loss: ClassificationLoss, labels: [Int], targeted: Bool, kappa: Float
  ) -> any AttackObjective {
    switch loss {
    case .crossEntropy: return CrossEntropyObjective(labels: labels, targeted: targeted)
    case .logitMargin: return LogitMarginObjective(labels: labels, targeted: targeted, kappa: kappa)
    }
  }

  private static func topClasses(of outputs: Tensor) -> [Int] {
    let width = outputs.shape[1]
    return outputs.withUnsafeBufferPointer { values in
      (0..<outputs.shape[0]).map { i in
        var top = 0
        for j in 1..<width where values[i * width + j] > values[i * width + top] { top = j }
        return top
      }
    }
  }

  private static func checked(_ labels: [Int], images: Int, classes: Int) throws(AttackError)
    -> [Int]
  {
    guard labels.count == images else {
      throw AttackError.labelCountMismatch(images: images, labels: labels.count)
    }
    if let bad = labels.first(where: { $0 < 0 || $0 >= classes }) {
      throw AttackError.labelOutOfRange(label: bad, classes: classes)
    }
    return labels
  }

  /// `descriptors` as `[N, D]` or `[1, D]`; a `[D]` vector becomes `[1, D]`.
  private static func checked(_ descriptors: Tensor, images: Int, width: Int) throws(AttackError)
    -> Tensor
  {
    let shape = descriptors.shape
    if shape == [width] { return descriptors.reshaped(to: [1, width]) }
    guard shape == [images, width] || shape == [1, width] else {
      throw AttackError.descriptorShapeMismatch(expected: [images, width], actual: shape)
    }
    return descriptors
  }

  private static func check(threshold: Float) throws(AttackError) {
    guard threshold.isFinite, threshold >= 0 else { throw AttackError.invalidThreshold(threshold) }
  }

  private static func check(margin: Float) throws(AttackError) {
    guard margin.isFinite, margin >= 0 else { throw AttackError.invalidMargin(margin) }
  }
}

/// How one image fares against its goal.
struct Assessment: Sendable, Equatable {
  /// The goal's success test holds.
  var success: Bool
  /// Success holds with the goal's margin to spare: the image may stop early.
  var reachedMargin: Bool
  /// The top-1 class (classification goals).
  var prediction: Int?
  /// The distance to the reference descriptor (embedding goals).
  var distance: Float?
}
