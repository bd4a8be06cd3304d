import FaceTensor

/// What an attack returns: the adversarial images, how they fare as optimised and as saved to
/// 8 bits, their distance to the originals, and the per-step trace.
///
/// Images are NHWC `[N, H, W, C]` in pixel levels of the model's bounds (0...255).
public struct AttackResult: Sendable {
  /// The clean images, as given.
  public let original: Tensor
  /// The adversarial images as the attack optimised them: `Float`, within the bounds, the ball
  /// and the mask.
  ///
  /// An image the attack could not move successfully is its best attempt (PGD and the other
  /// ε-bounded attacks) or the original (C&W, which keeps only results that succeed).
  public let adversarial: Tensor
  /// `adversarial` as the attack left it, judged by the model.
  public let optimized: AttackEvaluation
  /// `adversarial` rounded to 8 bits (`PixelRounding.rounded`, what a saved PNG holds), judged
  /// again: the success that survives saving.
  public let rounded: AttackEvaluation
  /// Per image, every evaluation of it during the attack, in order.
  ///
  /// Several runs for PGD restarts and C&W rounds. One entry before each update step, plus one in
  /// each run where the image stopped early (the evaluation that stopped it, followed by no
  /// update): see `steps`.
  public let trace: [[TraceEntry]]
  /// Per image, the update steps the attack took on it, summed over its runs (PGD restarts, C&W
  /// rounds).
  ///
  /// An update step is one move of the image along a gradient of the model (C&W: one Adam step on
  /// its tanh-space variables); queries that only judge it (the 8-bit re-checks, an evaluation
  /// that finds it done) are not counted. 0 for an image that reached the goal's margin before
  /// the attack, and for every image when ε = 0. Otherwise FGSM: 1 (0 if its random start already
  /// reaches the margin); BIM, PGD, MI-FGSM, Adam: at most `steps` per run, exactly `steps` per
  /// run without early stop; C&W: at most `steps` per round, fewer when it aborts early.
  /// `trace[i].count − steps[i]` is the number of runs in which image `i` stopped early.
  public let steps: [Int]
  /// Choices the attack made that the caller did not spell out, such as a random start.
  public let notes: [String]

  /// `adversarial − original`, in pixel levels.
  public var perturbation: Tensor { adversarial - original }
}

/// A batch of images judged against the attack's goal.
public struct AttackEvaluation: Sendable {
  /// The images judged `[N, H, W, C]`.
  public let images: Tensor
  /// The model's outputs for them `[N, D]` (logits or descriptors).
  public let outputs: Tensor
  /// One judgement per image.
  public let samples: [SampleEvaluation]

  /// Whether each image meets the goal's success test.
  public var successes: [Bool] { samples.map(\.success) }

  /// The fraction of images that meet the success test.
  public var successRate: Double {
    Double(samples.filter(\.success).count) / Double(Swift.max(samples.count, 1))
  }
}

/// How one image fares against its goal, and how far it is from its original.
public struct SampleEvaluation: Sendable, Equatable {
  /// The goal's success test holds (top-1 changed / equals the target / distance past the
  /// threshold / every face score margin below 0).
  public let success: Bool
  /// Success holds with the goal's margin to spare.
  public let reachedMargin: Bool
  /// The attack's loss here (what it minimises: see `AttackObjective`).
  public let loss: Float
  /// Classification: the five most probable classes (softmax of the logits), most probable first.
  ///
  /// Empty for embedding and hiding goals.
  public let topClasses: [ClassScore]
  /// Embedding goals: the distance to the reference descriptor; nil for classification.
  public let distance: Float?
  /// The image's distance to its original.
  public let metrics: PerturbationMetrics
}

/// A class index and its softmax probability.
public struct ClassScore: Sendable, Equatable {
  /// The class index (a column of the logits).
  public let label: Int
  /// `softmax(logits)[label]`, in 0...1.
  public let probability: Float
}

/// One image's state at one step of an attack.
public struct TraceEntry: Sendable, Equatable {
  /// The run: PGD restart or C&W binary-search round (0 for the other attacks).
  public let run: Int
  /// The step within the run, from 0; the loss and success are those of the image *before* that
  /// step's update.
  public let step: Int
  /// The attack's loss (C&W: `‖δ/(hi − lo)‖₂² + c · hinge`).
  public let loss: Float
  /// The goal's success test on the image as optimised (not rounded).
  public let success: Bool
}

/// A report after every step of an attack, for progress display.
public struct AttackProgress: Sendable {
  /// The run (PGD restart or C&W round), from 0.
  public let run: Int
  /// The number of runs.
  public let runs: Int
  /// Steps done in this run, 1...`steps`.
  public let step: Int
  /// Steps per run.
  public let steps: Int
  /// Images still being optimised.
  public let activeImages: Int
  /// Images that reached the goal's margin (after rounding) and stopped.
  public let finishedImages: Int
  /// The mean loss of the images updated at this step.
  public let meanLoss: Float
  /// The images as the attack now holds them `[N, H, W, C]`: the current iterate of each image
  /// being optimised, the final state of the others.
  public let adversarial: Tensor
}
