import ArgumentParser
import FacePipeline
import Foundation

extension AttackMethod: ExpressibleByArgument {}
extension PerturbationNorm: ExpressibleByArgument {}
extension RecognizerName: ExpressibleByArgument {}

extension AdvCLI {
  /// `advcli attack PHOTO...`: adversarial photos that fool a face recognizer, re-checked on the
  /// saved file.
  struct Attack: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Make photos that look unchanged but fool a face recognizer, or hide a face from detectors.",
      discussion: """
        The face (MTCNN's largest, or --face I) is cut out of the photo by differentiable \
        resampling (VGGFace: box crop resized to 224x224; dlib: the aligned 150x150 chip), the \
        attack changes only the photo pixels that resampling reads (mask_box), and the output is \
        the full photo, same size. The whole pipeline then runs again on the saved file. \
        Exit status: 0 success (re-checked), 1 the attack ran but failed (the output is still \
        written), 2 bad input (nothing written), 64 usage error, 130/143 stopped by SIGINT/SIGTERM \
        (a temporary output file removed); a batch exits 2 if any input was bad, else 1 if any \
        attack failed, else 0. The part of a photo an attack changes may be at most \
        \(PhotoAttacker.maximumAttackedPixels / 1_000_000) megapixels (with --no-detect, the \
        whole photo). Every output path is checked before the first attack. With --json, one \
        object per image: {"image", "output", "model", "method", "eps", "steps_used", \
        "seconds", "box", "mask_box", "success", "success_after_rounding", "before", "after", \
        "linf", "l2", "psnr", "ssim"} (eps, linf, l2 in pixel levels of 0...255; metrics over \
        mask_box). \
        With --hide, no recognizer: the face (the first --detector's largest, or --face I) is \
        hidden from every detector listed, through the whole photo, changing only its boxes \
        grown by half on each side (mask_box); success means that no listed detector, run on \
        the saved file as `detect` runs it, finds a face overlapping its own box of the \
        original face (intersection over union 0.3 or more). --json then gives before/after \
        as {"faces": [{"detector", "box", "confidence"}]} and "detectors": [{"detector", \
        "before", "after", "success"}] (boxes [x, y, w, h] as `detect` prints them).
        """)

    @Argument(help: "The photos (JPEG or PNG) or folders of photos.")
    var images: [String]

    @Option(help: "The recognizer to fool (default: vggface2-resnet50).")
    var model: RecognizerName?

    @OptionGroup var files: ModelFileOptions

    @OptionGroup var alignment: AlignmentOption

    @Option(
      help:
        "VGGFace: the name the classifier should give (default: untargeted, away from the clean top-1)."
    )
    var target: String?

    @Flag(help: "dlib: move the descriptor away from the photo's own (different person).")
    var dodge = false

    @Option(help: "dlib: move the descriptor to the largest face of this photo.")
    var impersonate: String?

    @Flag(help: "Hide the face from face detectors (--detector) instead of fooling a recognizer.")
    var hide = false

    @Option(
      name: .customLong("detector"),
      help: ArgumentHelp(
        """
        With --hide: the detectors to hide from, comma-separated: \
        \(FaceDetectorKind.allCases.filter(\.isDifferentiable).map(\.rawValue).joined(separator: ", ")) \
        (default: \(AdvCLI.Attack.defaultHidingDetectors.map(\.rawValue).joined(separator: ","))).
        """, valueName: "names"))
    var detectors: DetectorListArgument?

    @Option(
      name: .customLong("mtcnn-stages"),
      help: ArgumentHelp(
        """
        With --hide from mtcnn: the cascade stages whose face scores are pushed below their \
        thresholds, comma-separated: pnet, rnet, onet (default: onet; MTCNN reports a face only \
        through O-Net).
        """, valueName: "stages"))
    var mtcnnStages: MTCNNStagesArgument?

    @Flag(help: "Take the whole photo as the model's input (resized to its size if needed).")
    var noDetect = false

    @Option(
      parsing: .unconditional,
      help: "The face to attack, in the detector's order from 0 (default: the largest).")
    var face: Int?

    @Option(help: "The attack.")
    var method: AttackMethod = .pgd

    @Option(
      parsing: .unconditional,
      help: """
        The budget in pixel levels (8) or as a fraction of the range (8/255); linf: 0 to \
        \(Int(AttackLimits.maximumLInfinityEpsilon)), default 8/255; l2 needs one.
        """)
    var eps: String?

    @Option(
      parsing: .unconditional, help: "The step size, in levels or as a fraction (default eps/4).")
    var step: String?

    @Option(
      parsing: .unconditional,
      help: """
        Iterations, 1 to \(AttackLimits.maximumSteps) (default \(AttackDefaults.steps); C&W: \
        \(AttackDefaults.carliniWagnerSteps) per search round).
        """)
    var steps: Int?

    @Option(help: "The budget's norm: linf or l2.")
    var norm: PerturbationNorm?

    @Flag(
      inversion: .prefixedNo,
      help: "Start from a random point of the ball (default: on for dodging or with restarts).")
    var randomStart: Bool?

    @Option(
      parsing: .unconditional,
      help: """
        PGD runs from new random points, keeping the best, 1 to \
        \(AttackLimits.maximumRestarts).
        """)
    var restarts: Int?

    @Option(
      parsing: .unconditional,
      help: "Seed of every random draw: the same seed gives the same bytes.")
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: "dlib: the largest distance that is the same person.")
    var threshold: Float?

    @Option(
      parsing: .unconditional,
      help: """
        How far past success to go before stopping (logits; dlib distance, default 0.1; --hide: \
        each detector's score units, default \(AdvCLI.Attack.hidingMarginDefaults)).
        """)
    var margin: Float?

    @Flag(help: "Run every step even after success.")
    var noEarlyStop = false

    @Option(
      parsing: .unconditional,
      help: """
        Average each gradient over N random shifts, scalings and rotations (EOT), 0 to \
        \(PhotoAttackOptions.maximumEOTSamples).
        """)
    var eot = 0

    @Option(
      parsing: .unconditional,
      help: "Make the result survive JPEG at this quality (1-100); allows a .jpg output.")
    var jpegQuality: Int?

    @Option(
      name: .shortAndLong,
      help: "The output file (one photo only; .png, or .jpg with --jpeg-quality).")
    var output: String?

    @Option(help: "The folder for outputs named STEM.adv.png (default: next to each photo).")
    var outDir: String?

    @Option(help: "Append one JSON line per photo to this file.")
    var summary: String?

    @Option(
      parsing: .unconditional,
      help: "Attack only shard K of N (K from 1 to N), by a stable hash of each path.")
    var shard: String?

    @Flag(help: "Attack photos whose output already exists.")
    var force = false

    @Flag(help: "Print one JSON object per photo instead of tables.")
    var json = false

    @Option(
      help: "Write a report: a .png picture or an .html page (several photos: REPORT.STEM.png).")
    var report: String?

    @Flag(help: "No progress bar.")
    var quiet = false

    /// advcli's spelling of the library's parameters.
    static let errors = LibraryErrors(options: [
      "epsilon": "--eps", "stepSize": "--step", "learningRate": "--step", "steps": "--steps",
      "norm": "--norm", "randomStart": "--random-start", "restarts": "--restarts",
      "threshold": "--threshold", "margin": "--margin", "faceIndex": "--face",
      "detectFaces": "--no-detect", "eotSamples": "--eot", "jpegQuality": "--jpeg-quality",
      "hide": "--hide", "detectors": "--detector", "mtcnnStages": "--mtcnn-stages",
    ])

    /// What `--hide` hides from without `--detector`.
    static let defaultHidingDetectors: [FaceDetectorKind] = [.mtcnn]

    /// `dlib-cnn 0.5`: the default margin of each detector `--hide` can take.
    static var hidingMarginDefaults: String {
      FaceDetectorKind.allCases.compactMap { kind in
        kind.defaultHidingMargin.map { "\(kind.rawValue) \($0)" }
      }.joined(separator: ", ")
    }

    /// The rules of the command line itself; every rule on a value is the library's
    /// (`PhotoAttackGoal.check(fits:)`, `PhotoRecognizer.check(_:weights:labels:)`,
    /// `PhotoAttackOptions.validated(for:)`, `ReportFormat(of:)`).
    func validate() throws {
      for (name, path) in [
        ("-o", output), ("--out-dir", outDir), ("--summary", summary), ("--report", report),
      ] where path?.isEmpty == true {
        throw ValidationError("\(name): the path is empty")
      }
      if let output, images.count > 1 {
        throw ValidationError(
          BatchError.outputNeedsSingleInput(path: output, inputCount: images.count).description)
      }
      try checkHidingArguments()
      if dodge && impersonate != nil {
        throw ValidationError(
          "--model \(recognizerName.rawValue) needs exactly one of --dodge and --impersonate PHOTO"
        )
      }
      if output != nil && outDir != nil { throw ValidationError("give -o or --out-dir, not both") }
      for (name, text) in [("--eps", eps), ("--step", step)] {
        if let text, PixelAmount(parsing: text) == nil {
          throw ValidationError(
            "\(name): '\(text)' is not a pixel amount: \(PixelAmount.explanation)")
        }
      }
      if let shard, (try? Shard(parsing: shard)) == nil {
        throw ValidationError(BatchError.invalidShard(shard).description)
      }
      if let report, (try? ReportFormat(of: URL(fileURLWithPath: report))) == nil {
        throw ValidationError("--report must end in .png or .html, got '\(report)'")
      }
      do {
        if hide {
          try goal.checkDetectors()
          _ = try attackOptions.validatedForHiding()
          if case .hide(let kinds) = goal { try attackOptions.checkMTCNNStages(hidingFrom: kinds) }
        } else {
          try goal.check(fits: recognizerName)
          try PhotoRecognizer.check(
            recognizerName, weights: files.weights.map { URL(fileURLWithPath: $0) },
            labels: files.labels.map { URL(fileURLWithPath: $0) })
          _ = try attackOptions.validated(for: recognizerName)
        }
        if let output {
          _ = try OutputFormat(path: URL(fileURLWithPath: output), jpegQuality: jpegQuality)
        }
      } catch {
        throw Self.errors.validationError(error)
      }
    }

    /// The library's options for these arguments.
    var attackOptions: PhotoAttackOptions {
      PhotoAttackOptions(
        method: method,
        settings: AttackSettings(
          epsilon: eps.flatMap { PixelAmount(parsing: $0)?.levels },
          stepSize: step.flatMap { PixelAmount(parsing: $0)?.levels }, steps: steps,
          norm: norm, randomStart: randomStart, restarts: restarts, earlyStop: !noEarlyStop),
        seed: seed, threshold: threshold, margin: margin, detectFaces: !noDetect, faceIndex: face,
        eotSamples: eot, jpegQuality: jpegQuality,
        mtcnnStages: mtcnnStages?.value ?? PhotoAttackOptions.defaultMTCNNStages)
    }

    /// `--hide`'s rules: no recognizer option with it, no `--detector` or `--mtcnn-stages`
    /// without it.
    private func checkHidingArguments() throws {
      guard hide else {
        if detectors != nil { throw ValidationError("--detector applies to --hide") }
        if mtcnnStages != nil { throw ValidationError("--mtcnn-stages applies to --hide") }
        return
      }
      let recognizerOptions = [
        ("--model", model != nil), ("--target", target != nil), ("--dodge", dodge),
        ("--impersonate", impersonate != nil), ("--weights", files.weights != nil),
        ("--labels", files.labels != nil),
        ("--approximate-alignment", alignment.approximateAlignment),
      ]
      for (name, given) in recognizerOptions where given {
        throw ValidationError(
          "\(name) cannot be used with --hide: hiding a face fools the detectors, not a recognizer"
        )
      }
    }

    /// The recognizer attacked (`--model`, default vggface2-resnet50).
    var recognizerName: RecognizerName { model ?? .vggface2ResNet50 }

    /// The library's goal for these arguments (`--hide` first; then `--target`, so that a target
    /// given to dlib is refused as such).
    var goal: PhotoAttackGoal {
      if hide { return .hide(from: detectors?.value ?? Self.defaultHidingDetectors) }
      if let target { return .targeted(name: target) }
      if dodge { return .dodge }
      if let impersonate { return .impersonate(photo: URL(fileURLWithPath: impersonate)) }
      return .untargeted
    }

    func run() throws {
      let (plan, attacker) = try Self.errors.reporting {
        let plan = try makePlan()
        try plan.checkDestinations(
          creatingFolders: outDir != nil, summary: summary, report: report)
        if case .hide(let kinds) = goal {
          let detector = try PhotoDetector(detectors: kinds, models: files.modelDirectory)
          return (plan, PhotoAttacker(detectors: detector))
        }
        let recognizer = try PhotoRecognizer.load(
          recognizerName, weights: files.weights.map { URL(fileURLWithPath: $0) },
          labels: files.labels.map { URL(fileURLWithPath: $0) }, directory: files.modelDirectory,
          allowingApproximateAlignment: alignment.approximateAlignment)
        return (plan, try PhotoAttacker(recognizer: recognizer))
      }
      let folder = try Self.errors.reporting { () throws -> OutputFolder? in
        guard let outDir else { return nil }
        return try OutputFolder(creating: outDir)
      }
      defer { folder?.removeIfEmpty() }
      var standardError = StandardError()
      for skipped in plan.skipped {
        print(
          "advcli: skipping \(skipped.input): \(skipped.output.path) exists (use --force to redo it)",
          to: &standardError)
      }
      var anyBad = false
      var anyFailed = false
      for item in plan.items {
        do {
          let outcome = try attack(item, with: attacker, single: plan.items.count == 1)
          anyFailed = anyFailed || !outcome.success
        } catch let error as PipelineError {
          print("advcli: \(Self.errors.message(for: error))", to: &standardError)
          anyBad = true
        } catch {
          print("advcli: \(error)", to: &standardError)
          anyBad = true
        }
      }
      if anyBad { throw badInputExitCode }
      if anyFailed { throw ExitCode(1) }
    }

    /// The photos to attack and their outputs.
    /// - Throws: `ValidationError` for `-o` with a folder of several photos, `BatchError` for
    ///   the other planning errors.
    private func makePlan() throws -> BatchPlan {
      do {
        return try BatchPlan(
          inputs: images, output: output.map { URL(fileURLWithPath: $0) },
          outputDirectory: outDir.map { URL(fileURLWithPath: $0, isDirectory: true) },
          jpegQuality: jpegQuality, shard: try shard.map { try Shard(parsing: $0) } ?? .all,
          force: force)
      } catch let error as BatchError {
        if case .outputNeedsSingleInput = error { throw ValidationError(error.description) }
        throw error
      }
    }

    /// Attacks one photo, prints its tables or JSON line, appends the summary and writes the
    /// report.
    private func attack(_ item: BatchPlan.Item, with attacker: PhotoAttacker, single: Bool) throws
      -> PhotoAttackOutcome
    {
      let name = (item.input as NSString).lastPathComponent
      let bar = ProgressBar(label: name, quiet: quiet)
      let showProgress: (PhotoAttackProgress) -> Void = { progress in
        bar.update(
          fraction: Double(progress.step) / Double(max(progress.steps, 1)),
          note: AttackOutput.progressNote(progress))
      }
      let outcome = try attacker.attack(
        photoAt: URL(fileURLWithPath: item.input), goal: goal, options: attackOptions,
        output: item.output,
        progress: StandardError.isTerminal && !quiet ? showProgress : nil)
      bar.finish()
      let line = try AttackOutput.jsonLine(image: item.input, outcome: outcome)
      print(json ? line : AttackOutput.tables(image: item.input, outcome: outcome))
      if let summary {
        try AttackOutput.append(line, toSummary: URL(fileURLWithPath: summary))
      }
      if let report {
        try outcome.report.write(
          to: AttackOutput.reportURL(report, image: item.input, single: single))
      }
      return outcome
    }
  }
}
