import Adversary
import FaceNets
import FaceTensor
import Foundation

/// What a recognizer made of one face: a classifier's top names, or a descriptor's distance to
/// the reference face; for a hide goal, what the detectors found where the face was.
public enum RecognitionVerdict: Sendable, Equatable {
  /// The five most probable classes, most probable first.
  case predictions([ClassPrediction])
  /// The Euclidean descriptor distance to the reference (to the clean face for dodging, so 0
  /// before the attack; to the target face for impersonation) and whether it is at most the
  /// threshold.
  case distance(Double, samePerson: Bool)
  /// The re-check found no face where the attacked face was.
  case noFace
  /// Hide goal: the faces the chosen detectors find where the face is, in their order. Before
  /// the attack, each detector's own box of the face (one per detector); on the saved file,
  /// each detector's faces whose box overlaps its own box of the original face by an
  /// intersection over union of at least 0.3 (none: the face is hidden from it).
  case detections([FoundFace])

  /// A few words for notes: `top-1 NAME (p)`, `distance D`, `no face`, or `found by mtcnn (1),
  /// dlib-cnn (2)` (the faces per detector, for `detections`).
  public var summary: String {
    switch self {
    case .predictions(let predictions):
      guard let top = predictions.first else { return "no prediction" }
      return "top-1 \(top.label) (\(String(format: "%.3f", top.probability)))"
    case .distance(let distance, _): return String(format: "distance %.3f", distance)
    case .noFace: return "no face"
    case .detections(let faces):
      guard !faces.isEmpty else { return "no face" }
      var detectors: [FaceDetectorKind] = []
      for face in faces where !detectors.contains(face.detector) { detectors.append(face.detector) }
      return "found by "
        + detectors.map { kind in "\(kind.rawValue) (\(faces.filter { $0.detector == kind }.count))"
        }
        .joined(separator: ", ")
    }
  }

  /// The top-1 class, for `.predictions`.
  public var topPrediction: ClassPrediction? {
    if case .predictions(let predictions) = self { return predictions.first }
    return nil
  }
}

/// The result of `PhotoAttacker.attack(photoAt:goal:options:output:progress:)`: the written
/// photo, the recognizer's verdict before the attack and on the saved file, and how much the
/// photo changed.
public struct PhotoAttackOutcome: Sendable {
  /// The photo attacked.
  public let image: URL
  /// The adversarial photo written (the input's size; only `maskBox` differs for PNG).
  public let output: URL
  /// The recognizer (`PhotoRecognizer.modelName`); for a hide goal, the detectors joined by
  /// `+` (`mtcnn+dlib-cnn`).
  public let model: String
  /// The goal.
  public let goal: PhotoAttackGoal
  /// The attack method.
  public let method: AttackMethod
  /// The budget ε in pixel levels of 0...255 (L∞ or L2 by `norm`); nil for C&W, which has none.
  public let epsilon: Float?
  /// The norm of the budget.
  public let norm: PerturbationNorm
  /// Optimisation steps run (all restarts or C&W rounds together; 0 when the clean photo already
  /// met the goal).
  public let stepsUsed: Int
  /// Wall-clock seconds of the whole call: decoding, detection, attack, writing and re-check.
  public let seconds: Double
  /// Wall-clock seconds of the attack loop alone.
  public let attackSeconds: Double
  /// The detector's box of the face attacked (`[x, y, w, h]`, as MTCNN reports it; for a hide
  /// goal, as its first detector reports it); nil with detection off.
  public let box: PixelBox?
  /// The only part of the photo the attack may change: the pixels the model's input is
  /// resampled from (grown to cover the EOT warps, aligned to JPEG's 16-pixel blocks when made
  /// for JPEG); for a hide goal, the detectors' boxes of the face grown by half on each side
  /// (`PhotoAttackGoal.hide(from:)`).
  public let maskBox: PixelBox
  /// The goal is met when the whole pipeline runs again on the saved file (decode, detect, cut,
  /// recognise; for a hide goal, decode and run every chosen detector).
  public let success: Bool
  /// The goal is met by the attacked region rounded to 8 bits, judged by the attack's own
  /// differentiable cut, or for a hide goal by the detectors' scores of the region pasted into
  /// the photo (before the file is written and decoded again; with EOT, by the mean output over
  /// the unjittered cut and fixed warps; with JPEG, after a JPEG round trip that rounds as the
  /// codec does).
  public let successAfterRounding: Bool
  /// The verdict on the input photo.
  public let before: RecognitionVerdict
  /// The verdict on the saved file.
  public let after: RecognitionVerdict
  /// The saved file's `maskBox` region against the same region of the input photo (both 8-bit):
  /// L∞ and L2 in pixel levels of 0...255, PSNR and SSIM of that region (not of the whole
  /// photo, which is unchanged elsewhere for PNG).
  public let metrics: PerturbationMetrics
  /// The input photo's `maskBox` region, 8-bit RGB (for reports).
  public let originalRegion: RGBImage
  /// The saved file's `maskBox` region, 8-bit RGB (for reports).
  public let adversarialRegion: RGBImage
  /// Choices made that the caller did not spell out (a random start, ignored settings).
  public let notes: [String]
}

/// A report after every step of a photo attack.
public struct PhotoAttackProgress: Sendable {
  /// Steps done in this run.
  public let step: Int
  /// Steps per run.
  public let steps: Int
  /// The run (PGD restart or C&W round), from 0.
  public let run: Int
  /// The number of runs.
  public let runs: Int
  /// The attack's loss at this step.
  public let loss: Float
  /// The current verdict of the attack's own (unrounded) cut of the region: the top-1 class or
  /// the distance to the reference.
  public let current: RecognitionVerdict
}
