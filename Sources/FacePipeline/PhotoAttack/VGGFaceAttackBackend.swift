/// A keras-vggface classifier in a photo attack: the face's box resized to 224x224 (as
/// `VGGFaceRecognizer.identify` cuts it), class logits, untargeted or targeted goals.
struct VGGFaceAttackBackend: PhotoAttackBackend {
  /// The classifier with its labels.
  let classifier: VGGFaceRecognizer
  /// Which keras-vggface model it is.
  let model: VGGFaceModelName

  var name: RecognizerName { model.recognizerName }

  func prepare(
    _ goal: PhotoAttackGoal, face: DetectedFace?, in photo: RGBImage, photoName: String,
    options: PhotoAttackOptions, detector: MTCNN
  ) throws(PipelineError) -> PreparedPhotoAttack<VGGFaceAttackModel> {
    let side = VGGFaceArchitecture.inputSize
    let clean = classifier.identify(photo, boxes: face.map { [$0.box] }, top: 5)
    guard let predictions = clean.first?.predictions, let top = predictions.first else {
      throw .noFace(image: photoName)
    }
    let target: Int?
    switch goal {
    case .untargeted: target = nil
    case .targeted(let targetName): target = try classIndex(of: targetName)
    case .dodge, .impersonate, .hide: throw .goalDoesNotFitModel(goal: goal, model: name)
    }
    let margin = options.margin ?? 0
    return PreparedPhotoAttack(
      cut: face.map { .box($0.box, side: side) } ?? .wholeImage(side: side, method: .area),
      network: VGGFaceAttackModel(model: classifier.model),
      goal: target.map { AttackGoal.targeted(labels: [$0], margin: margin) }
        ?? AttackGoal.untargeted(labels: [top.index], margin: margin),
      judge: .classes(labels: classifier.labels, clean: top.index, target: target),
      before: .predictions(predictions))
  }

  func verdict(on face: DetectedFace?, in photo: RGBImage, judge: RecognitionJudge)
    throws(PipelineError) -> RecognitionVerdict
  {
    let identified = classifier.identify(photo, boxes: face.map { [$0.box] }, top: 5)
    guard let predictions = identified.first?.predictions else { return .noFace }
    return .predictions(predictions)
  }

  /// The class index of `name` in the classifier's labels.
  /// - Throws: `PipelineError.unknownTarget` with the closest names, or `.ambiguousTarget`.
  private func classIndex(of name: String) throws(PipelineError) -> Int {
    let labels = classifier.labels
    do {
      return try labels.index(matching: name)
    } catch {
      if case .ambiguousName(_, let file, let matches) = error {
        throw .ambiguousTarget(name: name, labels: file, matches: matches)
      }
      throw .unknownTarget(
        name: name, labels: labels.source, suggestions: labels.suggestions(for: name))
    }
  }
}
