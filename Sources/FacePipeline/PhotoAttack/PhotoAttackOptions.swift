/// How a photo is attacked: the face, the attack and its settings, what the result must survive.
///
/// Every field has the documented default of `AttackMethod.makeAttack(with:)`;
/// `validated(for:)` decides whether the options are valid.
public struct PhotoAttackOptions: Sendable, Equatable {
  /// The attack (default PGD).
  public var method: AttackMethod
  /// ε, step, steps, norm, random start, restarts, early stop; amounts in pixel levels of 0...255.
  public var settings: AttackSettings
  /// Fixes every random draw (random start, EOT draws): the same seed gives the same bytes.
  public var seed: UInt64
  /// Descriptor goals: the largest distance that counts as the same person (dlib: 0.6).
  public var threshold: Float?
  /// How far past the success line the attack goes before it stops early: logits for a
  /// classifier (default 0), distance for descriptors (default 0.1); when hiding, in each
  /// detector's score units (default `FaceDetectorKind.defaultHidingMargin`).
  public var margin: Float?
  /// Detect faces (MTCNN); false takes the whole photo as the model's input, resized to the
  /// model's side if needed (not when hiding a face).
  public var detectFaces: Bool
  /// The face to attack, in the detector's order (0-based; when hiding, the first chosen
  /// detector's); nil: the largest.
  public var faceIndex: Int?
  /// Expectation over transformation: each gradient is the mean over this many random small
  /// changes of the resampling (shift ±3 px, scale ±5 %, rotation ±3°); 0 or 1 is off, at most
  /// `maximumEOTSamples`.
  public var eotSamples: Int
  /// When set, the attack is made to survive JPEG at this quality (1...100): a differentiable
  /// JPEG round trip in front of the resampling, and the output may be a `.jpg` at this quality.
  public var jpegQuality: Int?
  /// When hiding from MTCNN: the cascade stages whose candidates the objective pushes below their
  /// thresholds (`MTCNNHidingModel`).
  ///
  /// The default, `defaultMTCNNStages`, is O-Net's alone; with all three the objective also
  /// follows the face through P-Net's pyramid and R-Net's crops.
  public var mtcnnStages: Set<MTCNNFaceScores.Stage>

  /// O-Net's candidates alone (`MTCNNHidingModel.defaultStages`, which says why).
  public static let defaultMTCNNStages = MTCNNHidingModel.defaultStages

  /// Options with the defaults: PGD, L∞ 8/255, 50 steps, seed 0, largest detected face, no EOT,
  /// no JPEG, MTCNN hidden through O-Net's candidates.
  public init(
    method: AttackMethod = .pgd, settings: AttackSettings = AttackSettings(), seed: UInt64 = 0,
    threshold: Float? = nil, margin: Float? = nil, detectFaces: Bool = true,
    faceIndex: Int? = nil, eotSamples: Int = 0, jpegQuality: Int? = nil,
    mtcnnStages: Set<MTCNNFaceScores.Stage> = defaultMTCNNStages
  ) {
    self.method = method
    self.settings = settings
    self.seed = seed
    self.threshold = threshold
    self.margin = margin
    self.detectFaces = detectFaces
    self.faceIndex = faceIndex
    self.eotSamples = eotSamples
    self.jpegQuality = jpegQuality
    self.mtcnnStages = mtcnnStages
  }

  /// The most EOT draws per gradient: 100 (each costs a forward and a backward pass per step, and
  /// the judged outputs check `eotSamples - 1` fixed warps).
  public static let maximumEOTSamples = 100

  /// The draws averaged per gradient (1 without EOT).
  var expectationSamples: Int { max(eotSamples, 1) }

  /// The configured attack, after checking every option against its rule and against the
  /// recognizer `model`: `jpegQuality` in 1...100, `eotSamples` in 0...`maximumEOTSamples`,
  /// `faceIndex` at least 0, no `faceIndex` without detection, `threshold` and `margin` finite
  /// and at least 0, no `threshold` for a classifier, `mtcnnStages` left at its default (it
  /// applies to hiding), and the attack settings by `AttackMethod.makeAttack(with:)`.
  /// - Throws: `PipelineError.invalidOption`, `.conflictingOptions`, `.optionDoesNotApply`,
  ///   `.invalidAttack`.
  public func validated(for model: RecognizerName) throws(PipelineError) -> ConfiguredAttack {
    try checkRanges()
    if threshold != nil && !model.comparesDescriptors {
      throw .optionDoesNotApply(name: "threshold", model: model)
    }
    if mtcnnStages != Self.defaultMTCNNStages {
      throw .optionDoesNotApply(name: "mtcnnStages", model: model)
    }
    return try configuredAttack()
  }

  /// The configured attack of a hide goal, after checking every option against its rule.
  ///
  /// The rules of `validated(for:)`, but no `threshold` at all (each detector's own decides),
  /// detection on (the detectors find the face to hide) and at least one of `mtcnnStages`.
  /// `margin` is in every chosen detector's own units.
  /// - Throws: `PipelineError.invalidOption`, `.conflictingOptions`,
  ///   `.optionDoesNotApplyToHiding`, `.invalidAttack`.
  public func validatedForHiding() throws(PipelineError) -> ConfiguredAttack {
    try checkRanges()
    if threshold != nil { throw .optionDoesNotApplyToHiding(name: "threshold") }
    if mtcnnStages.isEmpty {
      throw .invalidOption(
        name: "mtcnnStages", value: "none", rule: "at least one of pnet, rnet, onet")
    }
    guard detectFaces else {
      throw .conflictingOptions(
        name: "detectFaces", other: "hide", reason: "the detectors find the face to hide")
    }
    return try configuredAttack()
  }

  /// Checks that stages other than the default are chosen only when hiding from MTCNN.
  /// - Throws: `PipelineError.conflictingOptions` when `kinds` lacks MTCNN.
  public func checkMTCNNStages(hidingFrom kinds: [FaceDetectorKind]) throws(PipelineError) {
    if mtcnnStages != Self.defaultMTCNNStages && !kinds.contains(.mtcnn) {
      throw .conflictingOptions(
        name: "mtcnnStages", other: "detectors", reason: "MTCNN is not among the detectors")
    }
  }

  /// Checks the rules every goal shares: `jpegQuality`, `eotSamples`, `faceIndex`, `threshold`
  /// and `margin`.
  private func checkRanges() throws(PipelineError) {
    if let jpegQuality, !(1...100).contains(jpegQuality) {
      throw .invalidOption(name: "jpegQuality", value: "\(jpegQuality)", rule: "in 1...100")
    }
    guard eotSamples >= 0 else {
      throw .invalidOption(name: "eotSamples", value: "\(eotSamples)", rule: ">= 0")
    }
    guard eotSamples <= Self.maximumEOTSamples else {
      throw .invalidOption(
        name: "eotSamples", value: "\(eotSamples)", rule: "at most \(Self.maximumEOTSamples)")
    }
    if let faceIndex {
      guard faceIndex >= 0 else {
        throw .invalidOption(
          name: "faceIndex", value: "\(faceIndex)", rule: ">= 0 (faces are numbered from 0)")
      }
      guard detectFaces else {
        throw .conflictingOptions(
          name: "faceIndex", other: "detectFaces",
          reason: "a face is chosen among the detected faces")
      }
    }
    for (name, value) in [("threshold", threshold), ("margin", margin)] {
      if let value, !(value.isFinite && value >= 0) {
        throw .invalidOption(name: name, value: "\(value)", rule: "a finite number >= 0")
      }
    }
  }

  /// The attack the settings describe.
  private func configuredAttack() throws(PipelineError) -> ConfiguredAttack {
    do {
      return try method.makeAttack(with: settings)
    } catch {
      throw .invalidAttack(error)
    }
  }
}
