import Adversary
import FaceTensor
import FaceTestSupport
import Foundation

/// The measurements attack-bench prints, one function per section and model.
enum Sections {
  /// Part 1: PGD's whole run / k against one forward + input-gradient pass, in alternation
  /// (`repeats` rounds of: 3 reference passes, one PGD run), then where the median run's time
  /// went: the model calls of the steps, the engine's work inside each step (timed in the same
  /// step, so robust to load), and the per-run work outside the steps.
  static func overhead<Base: AttackableModel>(
    of subject: AttackBench.Subject<Base>, batch: Int, steps: Int, repeats: Int
  ) throws {
    guard let images = subject.batches[batch] else { return }
    AttackBench.forwardAndGradient(subject.model.base, images)
    let settings = AttackSettings(steps: steps, earlyStop: false)
    var references: [Double] = []
    var runs: [AttackBench.Run] = []
    for _ in 0..<repeats {
      references.append(
        AttackBench.timeForwardAndGradient(subject.model.base, images, repetitions: 3))
      runs.append(try AttackBench.run(.pgd, settings: settings, on: subject, batch: batch))
    }
    let reference = AttackBench.median(references)
    let perStep = AttackBench.median(runs.map { $0.total / Double(steps) })
    print(
      String(
        format:
          "  %@, batch %d, k = %d: PGD run / k %.1f ms, forward + input gradient %.1f ms"
          + " (medians of %d runs, %dx3 passes): overhead %+.1f%% (target: under 5%%)",
        subject.name, batch, steps, perStep, reference, repeats, repeats,
        (perStep / reference - 1) * 100))

    let run = runs.sorted { $0.total < $1.total }[runs.count / 2]
    let model = AttackBench.median(run.withPullback.calls.map { $0.seconds * 1000 })
    let engine = AttackBench.median(run.engineTimes)
    print(
      String(
        format:
          "    per step (median run, median step): the model call %.1f ms (%+.1f%% against the"
          + " same call alone) + the engine's work in the step %.2f ms (%.2f%% of the model call:"
          + " objective, step rule, projection, trace)",
        model, (model / reference - 1) * 100, engine, engine / model * 100))
    let outside = run.total - run.stepTimes.reduce(0, +)
    let forwardOnly = run.forwardOnly.milliseconds
    let metrics = AttackBench.milliseconds {
      for _ in 0..<2 {
        _ = PerturbationMetrics.perImage(originals: images, images: images)
      }
    }
    print(
      String(
        format:
          "    per run, outside the steps: %.0f ms = %d forward-only passes (%d images: the clean"
          + " outputs, the 8-bit check of the last iterate, the final evaluation) %.0f ms + metrics of the 2 final evaluations (L-inf, L2, PSNR, SSIM) about %.0f ms"
          + " + the rest (random start, copies, rounding) %.0f ms; that is %.1f ms/step at k = %d",
        outside, run.forwardOnly.calls.count, run.forwardOnly.images, forwardOnly, metrics,
        outside - forwardOnly - metrics, outside / Double(steps), steps))
    let step = AttackBench.median(run.stepTimes)
    print(
      String(
        format:
          "    at the default 50 steps these parts give %+.1f%% (the step alone: %+.1f%%)",
        ((step * 50 + outside) / 50 / reference - 1) * 100, (step / reference - 1) * 100))
  }

  /// What the 8-bit re-checks cost in a PGD run with the defaults (early stop on): the
  /// forward-only calls made inside a step (between its model call and its progress report)
  /// against those outside the steps (clean outputs, the last iterate's check, the result).
  static func earlyStopChecks<Base: AttackableModel>(
    of subject: AttackBench.Subject<Base>, batch: Int
  ) throws {
    let run = try AttackBench.run(.pgd, settings: AttackSettings(), on: subject, batch: batch)
    let (inside, outside) = run.forwardOnly.calls.reduce(
      into: ([ModelMeter.Call](), [ModelMeter.Call]())
    ) { split, call in
      if run.stepSpans.contains(where: { $0.start <= call.start && call.start <= $0.end }) {
        split.0.append(call)
      } else {
        split.1.append(call)
      }
    }
    func milliseconds(_ calls: [ModelMeter.Call]) -> Double {
      calls.reduce(0) { $0 + $1.seconds } * 1000
    }
    print(
      String(
        format:
          "  %@, batch %d: %d steps (%d image-steps), %.0f ms, %.0f%% success after rounding;"
          + " the steps' model calls %.0f ms; 8-bit re-checks inside the steps: %d calls, %d"
          + " images, %.0f ms = %.1f%% of the run; forward-only passes outside the steps: %d"
          + " calls, %d images, %.0f ms",
        subject.name, batch, run.steps, run.withPullback.images, run.total,
        run.successRate * 100, run.withPullback.milliseconds, inside.count,
        inside.reduce(0) { $0 + $1.images }, milliseconds(inside),
        milliseconds(inside) / run.total * 100, outside.count,
        outside.reduce(0) { $0 + $1.images }, milliseconds(outside)))
  }

  /// Whether the model's output rows for images run alone equal their rows in the batch bit for
  /// bit (the attacks run the model on subsets of the batch: stopped images leave it).
  static func batchInvariance<Base: AttackableModel>(
    of subject: AttackBench.Subject<Base>, batch: Int
  ) {
    guard let images = subject.batches[batch] else { return }
    let model = subject.model.base
    let together = model.outputs(for: images)
    let width = together.shape[1]
    var largest: Float = 0
    for i in Set([0, batch - 1]) {
      let alone = model.outputs(for: AttackBench.image(i, of: images)).scalars
      for j in 0..<width {
        largest = max(largest, abs(alone[j] - together.scalars[i * width + j]))
      }
    }
    print(
      "  \(subject.name): images 1 and \(batch) run alone give their rows of the batch of"
        + " \(batch) \(largest == 0 ? "bit for bit" : "up to \(largest) apart")")
  }

  /// Part 2: ms per step of every method at `batch`, early stop off.
  static func timePerStep<Base: AttackableModel>(
    of subject: AttackBench.Subject<Base>, batch: Int, steps: Int, fgsmRuns: Int
  ) throws {
    print(
      "  \(subject.name), batch \(batch) (\(subject.inputs)), load \(BenchmarkReport.loadAverage()):"
    )
    for method in AttackMethod.allCases {
      var runs: [AttackBench.Run] = []
      switch method {
      case .fgsm:
        for _ in 0..<fgsmRuns {
          runs.append(
            try AttackBench.run(method, settings: AttackSettings(), on: subject, batch: batch))
        }
      case .cw:
        let perRound = max(1, steps / AttackDefaults.searchRounds)
        runs.append(
          try AttackBench.run(
            method, settings: AttackSettings(steps: perRound, earlyStop: false), on: subject,
            batch: batch))
      default:
        runs.append(
          try AttackBench.run(
            method, settings: AttackSettings(steps: steps, earlyStop: false), on: subject,
            batch: batch))
      }
      let step = AttackBench.median(runs.flatMap(\.stepTimes))
      let stepCount = runs.reduce(0) { $0 + $1.steps }
      let whole = runs.reduce(0) { $0 + $1.total }
      print(
        String(
          format:
            "    %@ %8.1f ms/step %8.1f ms/step/image   (%d step(s) timed; whole runs / steps"
            + " %.1f ms)",
          method.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0), step,
          step / Double(batch), stepCount, whole / Double(stepCount)))
    }
  }
}
