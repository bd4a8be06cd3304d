/// A recognizer as `PhotoAttacker` drives it: how a goal on one face becomes an attack on the
/// network behind the face's cut, and how a saved photo is judged again.
///
/// One conformance per recognizer family (`VGGFaceAttackBackend`, `DlibAttackBackend`); the
/// attacker itself knows none of them, so a new target (a face detector to hide from) plugs in
/// as another conformance.
protocol PhotoAttackBackend: Sendable {
  /// The network the attack differentiates through, on the recognizer's own input
  /// (`[N, side, side, 3]`, RGB 0...255).
  associatedtype Network: AttackableModel & Sendable

  /// The recognizer's name.
  var name: RecognizerName { get }

  /// Resolves `goal` for `face` of `photo` (nil: the whole photo is the input): the cut, the
  /// network, Adversary's goal, the judge and the clean verdict.
  /// - Parameters:
  ///   - photoName: the photo's path, for errors.
  ///   - detector: finds the faces of other photos the goal names (an impersonation target).
  /// - Throws: `PipelineError` for a goal that does not fit, an unknown target, an unreadable
  ///   target photo, no face.
  func prepare(
    _ goal: PhotoAttackGoal, face: DetectedFace?, in photo: RGBImage, photoName: String,
    options: PhotoAttackOptions, detector: MTCNN
  ) throws(PipelineError) -> PreparedPhotoAttack<Network>

  /// The recognizer's verdict on `face` of `photo` (nil: the whole photo), compared as `judge`
  /// compares.
  func verdict(on face: DetectedFace?, in photo: RGBImage, judge: RecognitionJudge)
    throws(PipelineError) -> RecognitionVerdict
}

/// One photo's attack resolved for its recognizer: the cut that makes the network's input, the
/// network, Adversary's goal, how outputs are judged, and the verdict before the attack.
struct PreparedPhotoAttack<Network: AttackableModel & Sendable>: Sendable {
  /// How the network's input is cut from the photo.
  let cut: PhotoFaceInput
  /// The network behind the cut.
  let network: Network
  /// What the attack optimises, with its early-stop margin.
  let goal: AttackGoal
  /// How outputs and verdicts are judged.
  let judge: RecognitionJudge
  /// The verdict on the clean photo.
  let before: RecognitionVerdict

  /// The same attack with the goal's early-stop margin set to `margin`.
  func withMargin(_ margin: Float) -> PreparedPhotoAttack {
    let raised: AttackGoal
    switch goal {
    case .untargeted(let labels, let loss, _):
      raised = .untargeted(labels: labels, loss: loss, margin: margin)
    case .targeted(let labels, let loss, _):
      raised = .targeted(labels: labels, loss: loss, margin: margin)
    case .dodging(let sources, let metric, let threshold, _):
      raised = .dodging(sources: sources, metric: metric, threshold: threshold, margin: margin)
    case .impersonation(let targets, let metric, let threshold, _):
      raised = .impersonation(
        targets: targets, metric: metric, threshold: threshold, margin: margin)
    case .hiding:
      raised = .hiding(margin: margin)
    }
    return PreparedPhotoAttack(
      cut: cut, network: network, goal: raised, judge: judge, before: before)
  }
}

extension PhotoRecognizer {
  /// The backend that drives this recognizer in a photo attack.
  var backend: any PhotoAttackBackend {
    switch self {
    case .vggFace(let classifier, let name):
      return VGGFaceAttackBackend(classifier: classifier, model: name)
    case .dlib(let embedder):
      return DlibAttackBackend(embedder: embedder)
    }
  }
}
