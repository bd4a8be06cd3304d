import Adversary
import FaceTensor
import FaceTestSupport
import Foundation

/// The measurements attack-bench prints, one function per section and model.
enum Sections {
  /// Part 1: PGD's whole run / k against one forward + input-gradient pass, in alternation
  /// (`repeats` rounds of: 3 reference passes, one PGD run), then where the median run's time
  /// went.
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
        AttackBench.timeForwardAndGradient(subject.model.base, images, repetitions: 3).median)
      runs.append(try AttackBench.run(.pgd, settings: settings, on: subject, batch: batch))
    }
    let reference = AttackBench.median(references)
    let perStep = AttackBench.median(runs.map { $0.total / Double(steps) })
    print(
      String(
        format:
          "  %@, batch %d, k = %d: PGD run / k %.1f ms, forward + input gradient %.1f ms"
          + " (medians of %d runs, 3x%d passes): overhead %+.1f%% (target: under 5%%)",
        subject.name, batch, steps, perStep, reference, repeats, repeats, (perStep / reference - 1) * 100))

    let run = runs.sorted { $0.total < $1.total }[runs.count / 2]
    let modelSteps = run.withPullback.milliseconds
    let forwardOnly = run.forwardOnly.milliseconds
    print(
      String(
        format:
          "    median run %.0f ms = the steps' model calls %.0f ms (%.1f ms/step)"
          + " + forward-only passes %.0f ms (%d calls, %d images: clean outputs, 8-bit check of"
          + " the last iterate, final evaluation as optimised and rounded)"
          + " + the engine's own work %.0f ms (%.2f ms/step if all of it were per step)",
        run.total, modelSteps, modelSteps / Double(run.steps), forwardOnly,
        run.forwardOnly.calls.count, run.forwardOnly.images, run.total - modelSteps - forwardOnly,
        (run.total - modelSteps - forwardOnly) / Double(run.steps)))
    let step = AttackBench.median(run.stepTimes)
    let outsideSteps = run.total - run.stepTimes.reduce(0, +)
    print(
      String(
        format:
          "    one step alone (model call to progress report, median) %.1f ms = %+.1f%% over"
          + " forward + input gradient; outside the steps %.0f ms per run (%.1f ms/step at k = %d;"
          + " at the default 50 steps the overhead would be %+.1f%%)",
        step, (step / reference - 1) * 100, outsideSteps, outsideSteps / Double(steps), steps,
        ((step * 50 + outsideSteps) / 50 / reference - 1) * 100))
  }

  /// What the 8-bit re-checks cost in a PGD run with the defaults (early stop on).
  ///
  /// The model's first forward-only call is the clean outputs and its last two the result's
  /// evaluation (as optimised and rounded); every call in between is an 8-bit re-check.
  static func earlyStopChecks<Base: AttackableModel>(
    of subject: AttackBench.Subject<Base>, batch: Int
  ) throws {
    let run = try AttackBench.run(.pgd, settings: AttackSettings(), on: subject, batch: batch)
    let calls = run.forwardOnly.calls
    guard calls.count >= 3 else { return }
    let checks = calls.dropFirst().dropLast(2)
    let checkMilliseconds = checks.reduce(0) { $0 + $1.seconds } * 1000
    let checkImages = checks.reduce(0) { $0 + $1.images }
    let fixed = run.forwardOnly.milliseconds - checkMilliseconds
    print(
      String(
        format:
          "  %@, batch %d: %d steps (%d image-steps), %.0f ms, %.0f%% success after rounding;"
          + " 8-bit re-checks: %d forward calls of %d images in all, %.0f ms = %.1f%% of the"
          + " run; the steps' model calls %.0f ms; clean outputs + final evaluation %.0f ms",
        subject.name, batch, run.steps, run.withPullback.images, run.total,
        run.successRate * 100, checks.count, checkImages, checkMilliseconds,
        checkMilliseconds / run.total * 100, run.withPullback.milliseconds, fixed))
  }

  /// Part 2: ms per step of every method at `batch`, early stop off.
  static func timePerStep<Base: AttackableModel>(
    of subject: AttackBench.Subject<Base>, batch: Int, steps: Int, fgsmRuns: Int
  ) throws {
    print("  \(subject.name), batch \(batch) (\(subject.inputs)), load \(AttackBench.loadAverage()):")
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
