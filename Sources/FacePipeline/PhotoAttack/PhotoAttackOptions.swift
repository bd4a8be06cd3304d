import Adversary

/// How a photo is attacked: the face, the attack and its settings, what the result must survive.
///
/// Every field has the documented default of `AttackMethod.makeAttack(with:)` and of the CLI.
public struct PhotoAttackOptions: Sendable, Equatable {
  /// The attack (`--method`; default PGD).
  public var method: AttackMethod
  /// ε, step, steps, norm, random start, restarts, early stop; amounts in pixel levels of 0...255.
  public var settings: AttackSettings
  /// Fixes every random draw (random start, EOT draws): the same seed gives the same bytes.
  public var seed: UInt64
  /// Descriptor goals: the largest distance that counts as the same person (dlib: 0.6).
  public var threshold: Float?
  /// How far past the success line the attack goes before it stops early: logits for a
  /// classifier (default 0), distance for descriptors (default 0.1).
  public var margin: Float?
  /// Detect faces (MTCNN); false takes the whole photo as the model's input, resized to the
  /// model's side if needed.
  public var detectFaces: Bool
  /// The face to attack, in the detector's order (0-based); nil: the largest.
  public var faceIndex: Int?
  /// Expectation over transformation: each gradient is the mean over this many random small
  /// changes of the resampling (shift ±3 px, scale ±5 %, rotation ±3°); 0 or 1 is off.
  public var eotSamples: Int
  /// When set, the attack is made to survive JPEG at this quality (1...100): a differentiable
  /// JPEG round trip in front of the resampling, and the output may be a `.jpg` at this quality.
  public var jpegQuality: Int?

  /// Options with the defaults: PGD, L∞ 8/255, 50 steps, seed 0, largest detected face, no EOT,
  /// no JPEG.
  public init(
    method: AttackMethod = .pgd, settings: AttackSettings = AttackSettings(), seed: UInt64 = 0,
    threshold: Float? = nil, margin: Float? = nil, detectFaces: Bool = true,
    faceIndex: Int? = nil, eotSamples: Int = 0, jpegQuality: Int? = nil
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
  }

  /// The draws averaged per gradient (1 without EOT).
  var expectationSamples: Int { max(eotSamples, 1) }
}
