import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One process's share of an evaluation: the cells of a grid in one shard that its folder does
/// not hold yet, each attacked as `PhotoAttacker.attack` does (re-checked on the saved file) and
/// recorded as soon as it ends.
public struct EvaluationRun {
  /// The grid and the photo file of each digest.
  public let grid: EvaluationGrid
  /// Where each photo of the grid is read from, by digest.
  public let photoFiles: [String: URL]
  /// The goal every cell attacks with.
  public let goal: PhotoAttackGoal
  /// The options every cell shares (threshold, margin, face); the method, budget, steps, EOT,
  /// JPEG quality and seed come from the grid and the cell.
  public let baseOptions: PhotoAttackOptions
  /// The folder of the evaluation.
  public let folder: EvaluationFolder
  /// The cells this process runs.
  public let shard: EvaluationShard
  /// Keep each cell's adversarial photo in `images/` of the folder (else it is deleted once
  /// judged).
  public let keepImages: Bool

  /// An evaluation of `photos` (read once, for their digests) with `goal`.
  /// - Parameters:
  ///   - photos: the photo files, each read once for its SHA-256 (a repeated photo counts once).
  ///   - model: the recognizer's name, recorded in the grid.
  ///   - goal: what every cell's attack aims at.
  ///   - methods: the grid's attack methods.
  ///   - epsilons: the grid's L-inf budgets, in pixel levels of 0...255.
  ///   - eotSamples: the grid's EOT settings (0: none).
  ///   - jpegQuality: the JPEG quality every attack is made to survive, or nil.
  ///   - steps: steps per attack, or nil for each method's default.
  ///   - seed: the grid's seed, from which each cell's seed is derived.
  ///   - baseOptions: the options every cell shares (threshold, margin, face).
  ///   - folder: the evaluation's folder.
  ///   - shard: the cells this process runs.
  ///   - keepImages: keep each cell's adversarial photo in `images/`.
  /// - Throws: `PipelineError` when a photo (or the photo to impersonate) cannot be read.
  public init(
    photos: [URL], model: RecognizerName, goal: PhotoAttackGoal, methods: [AttackMethod],
    epsilons: [Double], eotSamples: [Int], jpegQuality: Int?, steps: Int?, seed: UInt64,
    baseOptions: PhotoAttackOptions = PhotoAttackOptions(), folder: EvaluationFolder,
    shard: EvaluationShard = .all, keepImages: Bool = false
  ) throws(PipelineError) {
    var entries: [EvaluationGrid.Photo] = []
    var files: [String: URL] = [:]
    for photo in photos {
      let digest = try PhotoDigest.sha256(of: photo)
      guard files[digest] == nil else { continue }
      files[digest] = photo
      entries.append(EvaluationGrid.Photo(name: photo.path, sha256: digest))
    }
    grid = EvaluationGrid(
      model: model.rawValue, goal: try Self.gridName(of: goal),
      methods: methods.map(\.rawValue), epsilons: epsilons, eotSamples: eotSamples,
      jpegQuality: jpegQuality, steps: steps, seed: seed, photos: entries)
    photoFiles = files
    self.goal = goal
    self.baseOptions = baseOptions
    self.folder = folder
    self.shard = shard
    self.keepImages = keepImages
  }

  /// The goal as the grid records it: `dodge`, `untargeted`, `target:NAME`,
  /// `impersonate:SHA256` (the other photo by content).
  /// - Throws: `PipelineError.invalidOption` for `hide`: a grid records a recognizer's verdicts.
  static func gridName(of goal: PhotoAttackGoal) throws(PipelineError) -> String {
    switch goal {
    case .dodge, .untargeted: return goal.name
    case .targeted(let name): return "target:\(name)"
    case .impersonate(let photo): return "impersonate:\(try PhotoDigest.sha256(of: photo))"
    case .hide:
      throw .invalidOption(
        name: "goal", value: goal.name, rule: "a recognizer's goal (a grid records its verdicts)")
    }
  }

  /// The cells of this shard, in grid order.
  public var cells: [EvaluationCell] { grid.cells.filter(shard.contains) }

  /// This shard's cell file.
  public var cellFile: URL { folder.url.appendingPathComponent(shard.cellFileName) }

  /// Claims the folder for the grid, then attacks every cell of the shard not yet recorded,
  /// appending each result to the shard's cell file as it ends.
  /// - Parameters:
  ///   - attacker: the photo attacker (its recognizer is the grid's model).
  ///   - onCell: called after each cell with its record, the cells of the shard done so far
  ///     (recorded before included) and the shard's total.
  /// - Returns: the summary of every cell recorded in the folder (all shards).
  /// - Throws: `EvaluationError` for the folder; `PipelineError` for an attack that cannot run
  ///   at all (a cell whose photo has no face is recorded, not thrown).
  public func run(
    with attacker: PhotoAttacker,
    onCell: (CellRecord, _ done: Int, _ total: Int) -> Void = {
      _, _, _ in
    }
  ) throws -> EvaluationSummary {
    try folder.claim(for: grid)
    let log = try CellLog.read(cellFile)
    let recorded = Set(
      try EvaluationFolder.mergedRecords(of: folder.cellFiles()).map(\.cell))
    let writer = try CellLog.Writer(url: cellFile, completeBytes: log.completeBytes)
    let mine = cells
    var done = mine.filter(recorded.contains).count
    for cell in mine where !recorded.contains(cell) {
      let record = try attack(cell, with: attacker)
      try writer.append(record)
      done += 1
      onCell(record, done, mine.count)
    }
    if !keepImages {
      // This run's scratch folder, then `.work` itself unless another shard still uses it.
      let scratch = folder.url.appendingPathComponent(".work")
      try? FileManager.default.removeItem(at: scratch.appendingPathComponent("\(getpid())"))
      rmdir(scratch.path)
    }
    return try summary()
  }

  /// The summary of every cell recorded in the folder.
  public func summary() throws(EvaluationError) -> EvaluationSummary {
    EvaluationSummary(
      grid: grid, records: try EvaluationFolder.mergedRecords(of: folder.cellFiles()))
  }

  /// One cell's attack and its record.
  func attack(_ cell: EvaluationCell, with attacker: PhotoAttacker) throws -> CellRecord {
    guard let photo = photoFiles[cell.photoSHA256], let method = AttackMethod(rawValue: cell.method)
    else {
      preconditionFailure("[EvaluationRun] a cell outside the grid: \(cell)")
    }
    var options = baseOptions
    options.method = method
    options.settings.epsilon = Float(cell.epsilon)
    options.settings.steps = grid.steps
    options.eotSamples = cell.eotSamples
    options.jpegQuality = grid.jpegQuality
    options.seed = cell.seed(gridSeed: grid.seed)
    let output = try outputURL(for: cell, photo: photo)
    defer { if !keepImages { try? FileManager.default.removeItem(at: output) } }
    let started = Date()
    let outcome: PhotoAttackOutcome
    do {
      outcome = try attacker.attack(photoAt: photo, goal: goal, options: options, output: output)
    } catch {
      switch error {
      case .noFace, .faceIndexOutOfRange:
        return CellRecord(
          image: photo.path, sha256: cell.photoSHA256, output: nil, model: grid.model,
          method: cell.method, eps: cell.epsilon, eot: cell.eotSamples,
          jpegQuality: grid.jpegQuality, seed: options.seed, stepsUsed: 0,
          seconds: Date().timeIntervalSince(started), success: false, before: .init(),
          after: .init(), linf: nil, l2: nil, psnr: nil, ssim: nil, exitReason: "no_face")
      default:
        throw error
      }
    }
    return CellRecord(
      outcome, cell: cell, seed: options.seed, jpegQuality: grid.jpegQuality,
      output: keepImages ? output.path : nil)
  }

  /// Where a cell's adversarial photo goes: `images/` (kept) or `.work/PID/` (deleted once
  /// judged; the folder with it at the end of the run), named by the photo's stem, digest and
  /// the cell's settings.
  func outputURL(for cell: EvaluationCell, photo: URL) throws(EvaluationError) -> URL {
    let folder =
      keepImages
      ? self.folder.url.appendingPathComponent("images")
      : self.folder.url.appendingPathComponent(".work/\(getpid())")
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw .fileSystem(path: folder.path, reason: "cannot create the folder")
    }
    let stem = photo.deletingPathExtension().lastPathComponent
    let name =
      "\(stem).\(cell.photoSHA256.prefix(8)).\(cell.method).eps\(cell.epsilon)"
      + ".eot\(cell.eotSamples).\(grid.jpegQuality == nil ? "png" : "jpg")"
    return folder.appendingPathComponent(name)
  }
}

extension CellRecord {
  /// The record of an attack's outcome for `cell`.
  init(
    _ outcome: PhotoAttackOutcome, cell: EvaluationCell, seed: UInt64, jpegQuality: Int?,
    output: String?
  ) {
    let finite = { (value: Double) in value.isFinite ? value : nil }
    self.init(
      image: outcome.image.path, sha256: cell.photoSHA256, output: output,
      model: outcome.model, method: cell.method, eps: cell.epsilon, eot: cell.eotSamples,
      jpegQuality: jpegQuality, seed: seed, stepsUsed: outcome.stepsUsed,
      seconds: outcome.seconds, success: outcome.success, before: Verdict(outcome.before),
      after: Verdict(outcome.after), linf: finite(Double(outcome.metrics.lInfinity)),
      l2: finite(Double(outcome.metrics.l2)), psnr: finite(Double(outcome.metrics.psnr)),
      ssim: outcome.metrics.ssim.flatMap { finite(Double($0)) },
      exitReason: outcome.success ? "success" : outcome.after == .noFace ? "no_face" : "steps")
  }
}

extension CellRecord.Verdict {
  /// A recognizer's verdict as recorded (detections, which only a hide goal gives and grids
  /// refuse, as nothing).
  init(_ verdict: RecognitionVerdict) {
    switch verdict {
    case .predictions(let predictions):
      self.init(
        predictions: predictions.map {
          Prediction(index: $0.index, label: $0.label, probability: Double($0.probability))
        })
    case .distance(let distance, let samePerson):
      self.init(distance: distance, samePerson: samePerson)
    case .noFace, .detections:
      self.init()
    }
  }
}
