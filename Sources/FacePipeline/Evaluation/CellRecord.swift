/// The result of one cell: one line of a cell file.
///
/// The keys are those of `advcli attack --json` plus the photo's digest, the EOT setting, the
/// JPEG quality, the cell's seed and why the attack ended. Pixel amounts (`eps`, `linf`, `l2`) are in levels of 0...255; PSNR in dB.
public struct CellRecord: Codable, Sendable, Equatable {
  /// How a recognizer judged the face: a classifier's top classes, or a descriptor distance.
  ///
  /// All fields nil: no face was found where the attacked face was.
  public struct Verdict: Codable, Sendable, Equatable {
    /// One class of a classifier's top five.
    public struct Prediction: Codable, Sendable, Equatable {
      /// The class index.
      public var index: Int
      /// The class name.
      public var label: String
      /// Its softmax probability, 0...1.
      public var probability: Double
    }

    /// The classifier's top classes, most probable first.
    public var predictions: [Prediction]?
    /// The descriptor distance to the reference face.
    public var distance: Double?
    /// Whether `distance` is at most the recognizer's threshold.
    public var samePerson: Bool?

    enum CodingKeys: String, CodingKey {
      case predictions, distance
      case samePerson = "same_person"
    }

    /// A verdict from its fields.
    public init(predictions: [Prediction]? = nil, distance: Double? = nil, samePerson: Bool? = nil)
    {
      self.predictions = predictions
      self.distance = distance
      self.samePerson = samePerson
    }
  }

  /// The photo's path as given.
  public var image: String
  /// Lower-case hex SHA-256 of the photo.
  public var sha256: String
  /// The adversarial photo's path, or nil when images are not kept.
  public var output: String?
  /// The recognizer's name.
  public var model: String
  /// The attack method's name.
  public var method: String
  /// The L-inf budget, in levels.
  public var eps: Double
  /// EOT samples per gradient (0: none).
  public var eot: Int
  /// The JPEG quality the attack was made to survive, or nil.
  public var jpegQuality: Int?
  /// The cell's attack seed.
  public var seed: UInt64
  /// Update steps the attack took.
  public var stepsUsed: Int
  /// Wall time of the cell, in seconds (not part of the result: reruns differ).
  public var seconds: Double
  /// Whether the goal was reached on the saved file.
  public var success: Bool
  /// The verdicts on the clean and the saved adversarial photo.
  public var before: Verdict
  /// See `before`.
  public var after: Verdict
  /// Perturbation norms and image quality, nil when not finite (PSNR of identical images).
  public var linf: Double?
  /// See `linf`.
  public var l2: Double?
  /// See `linf`.
  public var psnr: Double?
  /// See `linf`.
  public var ssim: Double?
  /// Why the attack ended: `success`, `steps` (the budget of steps ran out) or `no_face`.
  public var exitReason: String

  enum CodingKeys: String, CodingKey {
    case image, sha256, output, model, method, eps, eot, seed, seconds, success, before, after
    case linf, l2, psnr, ssim
    case jpegQuality = "jpeg_quality"
    case stepsUsed = "steps_used"
    case exitReason = "exit_reason"
  }

  /// A record from its fields.
  public init(
    image: String, sha256: String, output: String?, model: String, method: String, eps: Double,
    eot: Int, jpegQuality: Int?, seed: UInt64, stepsUsed: Int, seconds: Double, success: Bool,
    before: Verdict, after: Verdict, linf: Double?, l2: Double?, psnr: Double?, ssim: Double?,
    exitReason: String
  ) {
    self.image = image
    self.sha256 = sha256
    self.output = output
    self.model = model
    self.method = method
    self.eps = eps
    self.eot = eot
    self.jpegQuality = jpegQuality
    self.seed = seed
    self.stepsUsed = stepsUsed
    self.seconds = seconds
    self.success = success
    self.before = before
    self.after = after
    self.linf = linf
    self.l2 = l2
    self.psnr = psnr
    self.ssim = ssim
    self.exitReason = exitReason
  }

  /// The cell this record is the result of.
  public var cell: EvaluationCell {
    EvaluationCell(photoSHA256: sha256, method: method, epsilon: eps, eotSamples: eot)
  }

  /// Whether `other` holds the same result: every field but the timing and the paths (another
  /// shard may name the photo or its output differently).
  public func hasSameResult(as other: CellRecord) -> Bool {
    var mine = self
    mine.seconds = other.seconds
    mine.image = other.image
    mine.output = other.output
    return mine == other
  }
}
