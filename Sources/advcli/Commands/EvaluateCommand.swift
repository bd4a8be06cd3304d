import ArgumentParser
import FacePipeline
import Foundation

extension EvaluationReport.PlotFormat: ExpressibleByArgument {}

extension AdvCLI {
  /// `advcli evaluate`: success rate and image cost of attacks over a grid of photos, methods,
  /// budgets and EOT settings, resumable and sharded.
  struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Measure attacks over photos x methods x budgets x EOT settings.",
      discussion: """
        Each cell of the grid is one attack as `advcli attack` runs it, judged on the saved file. \
        Every finished cell is appended to DIR/cells.jsonl (DIR/cells.K-of-N.jsonl with --shard) \
        and fsynced; a second run with the same grid skips the cells already there, a run with \
        another grid into the same folder is refused. Shards of one grid may run at the same \
        time in one folder. Every run ends by writing DIR/summary.json and DIR/report.html for \
        all cells in the folder; `advcli evaluate report DIR...` merges shard folders.
        """,
      subcommands: [Run.self, Report.self], defaultSubcommand: Run.self)
  }
}

extension AdvCLI.Evaluate {
  /// `advcli evaluate [run] PHOTO... --out-dir DIR`.
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run the cells of a grid (this shard's) not yet in the folder.")

    @Argument(help: "The photos (JPEG or PNG) or folders of photos.")
    var images: [String]

    @Option(help: "The recognizer to fool.")
    var model: RecognizerName = .dlibResNet

    @OptionGroup var files: ModelFileOptions

    @Option(help: "VGGFace: the name the classifier should give (default: untargeted).")
    var target: String?

    @Flag(help: "dlib: move the descriptor away from the photo's own.")
    var dodge = false

    @Option(help: "dlib: move the descriptor to the largest face of this photo.")
    var impersonate: String?

    @Option(help: "Comma-separated attack methods.")
    var methods = "pgd"

    @Option(help: "Comma-separated L-inf budgets, in pixel levels (8) or fractions (8/255).")
    var eps = "1,2,4,8"

    @Option(help: "Comma-separated EOT sample counts (0: none).")
    var eot = "0"

    @Option(help: "Make every attack survive JPEG at this quality (1-100).")
    var jpegQuality: Int?

    @Option(help: "Iterations per attack (default: each method's).")
    var steps: Int?

    @Option(help: "The grid's seed; each cell's seed is derived from it and the cell.")
    var seed: UInt64 = 0

    @Option(help: "The evaluation's folder.")
    var outDir: String

    @Flag(help: "Keep every adversarial photo in DIR/images/.")
    var keepImages = false

    @Option(help: "Run only shard K of N (K from 1 to N), by a stable hash of each cell.")
    var shard: String?

    @Flag(help: "Print one JSON line per finished cell.")
    var json = false

    @Option(help: "The plots of report.html: svg, or png for viewers that show no SVG.")
    var plots: EvaluationReport.PlotFormat = .svg

    @Flag(help: "No progress bar.")
    var quiet = false

    /// advcli's spelling of the library's parameters.
    static let errors = LibraryErrors(options: [
      "epsilon": "--eps", "steps": "--steps", "eotSamples": "--eot",
      "jpegQuality": "--jpeg-quality", "shard": "--shard",
    ])

    /// The methods, in order.
    var methodList: [AttackMethod] {
      get throws {
        try methods.split(separator: ",").map { name in
          guard let method = AttackMethod(rawValue: String(name)) else {
            throw ValidationError(
              "--methods: '\(name)' is not a method; give some of "
                + AttackMethod.allCases.map(\.rawValue).joined(separator: ", "))
          }
          return method
        }
      }
    }

    /// The budgets in levels, in order.
    var epsilonList: [Double] {
      get throws {
        try eps.split(separator: ",").map { text in
          guard let amount = PixelAmount(parsing: String(text)) else {
            throw ValidationError(
              "--eps: '\(text)' is not a pixel amount: \(PixelAmount.explanation)")
          }
          return Double(amount.levels)
        }
      }
    }

    /// The EOT settings, in order.
    var eotList: [Int] {
      get throws {
        try eot.split(separator: ",").map { text in
          guard let count = Int(text), count >= 0 else {
            throw ValidationError("--eot: '\(text)' is not a count of 0 or more")
          }
          return count
        }
      }
    }

    /// The library's goal for these arguments.
    var goal: PhotoAttackGoal {
      if let target { return .targeted(name: target) }
      if dodge { return .dodge }
      if let impersonate { return .impersonate(photo: URL(fileURLWithPath: impersonate)) }
      return .untargeted
    }

    func validate() throws {
      if dodge && impersonate != nil {
        throw ValidationError("give one of --dodge and --impersonate PHOTO")
      }
      guard try !methodList.isEmpty, try !epsilonList.isEmpty, try !eotList.isEmpty else {
        throw ValidationError("--methods, --eps and --eot each need at least one value")
      }
      do {
        try goal.check(fits: model)
        _ = try evaluationShard
        for method in try methodList {
          for epsilon in try epsilonList {
            for eot in try eotList {
              var options = PhotoAttackOptions(
                method: method, eotSamples: eot, jpegQuality: jpegQuality)
              options.settings.epsilon = Float(epsilon)
              options.settings.steps = steps
              _ = try options.validated(for: model)
            }
          }
        }
      } catch let error as PipelineError {
        throw Self.errors.validationError(error)
      }
    }

    /// The shard to run.
    var evaluationShard: EvaluationShard {
      get throws(PipelineError) {
        guard let shard else { return .all }
        let parts = shard.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
          throw .invalidOption(name: "shard", value: shard, rule: "K/N with N >= 1 and 1 <= K <= N")
        }
        return try EvaluationShard(index: k, count: n)
      }
    }

    func run() throws {
      let (evaluation, attacker) = try Self.errors.reporting {
        let photos = try BatchPlan.imageFiles(of: images).map { URL(fileURLWithPath: $0) }
        let evaluation = try EvaluationRun(
          photos: photos, model: model, goal: goal, methods: methodList,
          epsilons: epsilonList, eotSamples: eotList, jpegQuality: jpegQuality, steps: steps,
          seed: seed, folder: EvaluationFolder(url: URL(fileURLWithPath: outDir)),
          shard: evaluationShard, keepImages: keepImages)
        let recognizer = try PhotoRecognizer.load(
          model, weights: files.weights.map { URL(fileURLWithPath: $0) },
          labels: files.labels.map { URL(fileURLWithPath: $0) }, directory: files.modelDirectory)
        return (evaluation, try PhotoAttacker(recognizer: recognizer))
      }
      let bar = ProgressBar(label: "evaluate", quiet: quiet || json)
      let started = Date()
      var ranThisTime = 0
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
      try Self.errors.reporting {
        _ = try evaluation.run(with: attacker) { record, done, total in
          ranThisTime += 1
          if json, let line = try? encoder.encode(record) {
            // Unbuffered, so that a pipe sees each cell as it ends.
            FileHandle.standardOutput.write(line + Data("\n".utf8))
          }
          let minutes = Date().timeIntervalSince(started) / 60
          let rate = Double(ranThisTime) / max(minutes, 1e-9)
          let left = Double(total - done) / max(rate, 1e-9)
          bar.update(
            fraction: Double(done) / Double(max(total, 1)),
            note: String(
              format: "%d/%d cells, %.1f cells/min, %.0f min left", done, total, rate, left),
            force: done == total)
        }
        bar.finish()
        let report = try EvaluationReport(folders: [evaluation.folder])
        try report.write(to: evaluation.folder.url, plots: plots)
        if !json { print(report.table) }
      }
    }
  }

  /// `advcli evaluate report DIR...`: merge shard folders into one summary and report.
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Merge the cell files of evaluation folders; write summary.json and report.html.",
      discussion: """
        The folders must hold the same grid; a cell recorded twice with different results is \
        refused. The summary and the report are written into the first folder, or --out-dir.
        """)

    @Argument(help: "Evaluation folders (of the shards of one grid).")
    var folders: [String]

    @Option(help: "Where to write summary.json and report.html (default: the first folder).")
    var outDir: String?

    @Flag(help: "Print summary.json instead of the table.")
    var json = false

    @Option(help: "The plots of report.html: svg, or png for viewers that show no SVG.")
    var plots: EvaluationReport.PlotFormat = .svg

    func run() throws {
      try LibraryErrors(options: [:]).reporting {
        let report = try EvaluationReport(
          folders: folders.map { EvaluationFolder(url: URL(fileURLWithPath: $0)) })
        let target = URL(fileURLWithPath: outDir ?? folders[0])
        try report.write(to: target, plots: plots)
        if json {
          print(
            String(
              decoding: try Data(contentsOf: target.appendingPathComponent("summary.json")),
              as: UTF8.self))
        } else {
          print(report.table)
        }
      }
    }
  }
}
