/// Why a FacePipeline call could not do its work: the one error its photo, model and attack
/// calls throw (`ReportError` is the reports', `DownloadError` the raw transfers').
///
/// Errors from the libraries below are wrapped, not turned into text: an `ImageIOError`, a
/// `WeightLoadingError`, a `DlibFormatError` or an `AttackError` arrives as the associated value
/// of its case, with its own message. Cases about a value the caller chose name the parameter by
/// its Swift name (`jpegQuality`, `faceIndex`), so that a front end can say it in its own terms;
/// every other case names the file at fault. `description` is one line.
public enum PipelineError: Error, Equatable, CustomStringConvertible {
  // MARK: Photos and outputs

  /// A photo (the one attacked, or another it refers to) cannot be read or decoded.
  case unreadableImage(ImageIOError)
  /// The detector found no face in the photo.
  case noFace(image: String)
  /// The face `index` was asked for, but the photo has only `count` faces (indices from 0).
  case faceIndexOutOfRange(image: String, index: Int, count: Int)
  /// The output path is the input photo itself.
  case outputIsInput(path: String)
  /// The output would be a JPEG file, but the attack was not made to survive JPEG (no JPEG
  /// quality): saving it so would undo the perturbation.
  case lossyOutput(path: String)
  /// The output's extension names no format an adversarial photo is written in.
  case unsupportedOutput(path: String)
  /// The output could not be written; nothing was created or changed at its path.
  case cannotWrite(ImageIOError)
  /// An output path cannot take a file, found before any work (`OutputDestination.check`):
  /// `reason` says why (a folder, not a regular file, a missing or read-only folder).
  case unusableOutput(path: String, reason: String)
  /// The part of the photo an attack would change is larger than `limit` pixels
  /// (`PhotoAttacker.maximumAttackedPixels`), found before the attack runs.
  case attackedRegionTooLarge(image: String, width: Int, height: Int, limit: Int)
  /// A detector would scan more than `limit` pixels of the photo (`pixels` after upsampling),
  /// found before it runs (`PhotoDetector.cnnPixelLimit`).
  case scanTooLarge(image: String, detector: String, pixels: Int, limit: Int)
  /// A detector a hide goal names finds no face overlapping the face to hide (`box`, the first
  /// detector's) by an intersection over union of 0.3: there is nothing to hide from it.
  case faceNotSeen(image: String, detector: FaceDetectorKind, box: PixelBox)

  // MARK: Models

  /// A model file is in none of the model folders; `howToGet` says how to install it.
  case modelFileNotFound(name: String, searched: [String], howToGet: String)
  /// A Keras weights file cannot be read or does not fit the architecture.
  case unusableWeights(WeightLoadingError)
  /// A labels file cannot be read, or it does not hold the names of classes.
  case unusableLabels(LabelsError)
  /// A dlib model file is damaged or differs from the published one.
  case unusableDlibModel(DlibFormatError)
  /// The face detector cannot be built (its bundled weights are missing or damaged).
  case unusableDetector(MTCNNError)
  /// The weights file has no classifier (a "notop" file gives features only).
  case noClassifier(weights: String, layer: String)
  /// The labels file names another number of classes than the classifier has.
  case labelCountMismatch(labels: String, labelCount: Int, weights: String, classCount: Int)
  /// A face cannot be aligned: there is no shape predictor and the detector gave no landmarks.
  case noLandmarks

  // MARK: Choices of the caller

  /// A parameter (`name`, its Swift name) is outside its valid range; `rule` says what is
  /// allowed (`in 1...100`).
  case invalidOption(name: String, value: String, rule: String)
  /// Two parameters cannot be used together; `reason` says why.
  case conflictingOptions(name: String, other: String, reason: String)
  /// A parameter has no meaning for the recognizer (a same-person threshold for a classifier).
  case optionDoesNotApply(name: String, model: RecognizerName)
  /// The attack's settings break one of Adversary's rules.
  case invalidAttack(AttackError)
  /// The goal does not fit the recognizer: a class name for a descriptor network, dodging for a
  /// classifier.
  case goalDoesNotFitModel(goal: PhotoAttackGoal, model: RecognizerName)
  /// The goal fools a recognizer, but the attacker has none (it was made to hide faces).
  case noRecognizer(goal: PhotoAttackGoal)
  /// A hide goal names a detector without a gradient (dlib-hog).
  case detectorNotDifferentiable(FaceDetectorKind)
  /// A hide goal names a detector the attacker has not loaded.
  case detectorNotLoaded(FaceDetectorKind)
  /// A parameter (`name`, its Swift name) has no meaning when hiding a face (a same-person
  /// threshold).
  case optionDoesNotApplyToHiding(name: String)
  /// No class of the labels file matches the target name; `suggestions` are the closest names.
  case unknownTarget(name: String, labels: String, suggestions: [String])
  /// Several classes match the target name equally well.
  case ambiguousTarget(name: String, labels: String, matches: [String])

  // MARK: Downloads

  /// The model catalog has no file called `name`.
  case unknownModelName(String, known: [String])
  /// Downloading a catalog file failed; `manualHint` says how to install it by hand.
  case downloadFailed(entry: String, cause: DownloadError, manualHint: String)

  /// One line naming the file and the problem, or the parameter and the rule.
  public var description: String {
    switch self {
    case .unreadableImage(let error), .cannotWrite(let error):
      return error.description
    case .noFace(let image):
      return "\(image): no face found"
    case .faceIndexOutOfRange(let image, let index, let count):
      let faces = count == 1 ? "1 face" : "\(count) faces"
      return "\(image): face \(index) requested, but the image has \(faces) (indices start at 0)"
    case .outputIsInput(let path):
      return "\(path): the output would overwrite the input"
    case .unusableOutput(let path, let reason):
      return "\(path): cannot write there: \(reason)"
    case .attackedRegionTooLarge(let image, let width, let height, let limit):
      return "\(image): the attack would change \(width)x\(height) pixels, more than the "
        + "\(limit) (\(Double(limit) / 1e6) megapixels) an attack may change; crop or shrink "
        + "the photo"
    case .scanTooLarge(let image, let detector, let pixels, let limit):
      return "\(image): \(detector) would scan \(pixels) pixels after upsampling, more than its "
        + "limit of \(limit) (\(Double(limit) / 1e6) megapixels); use a lower --upsample or a "
        + "smaller photo"
    case .faceNotSeen(let image, let detector, let box):
      return "\(image): \(detector.rawValue) finds no face overlapping the face at "
        + "\(box.array) (intersection over union at least 0.3): there is nothing to hide from it"
    case .lossyOutput(let path):
      return "\(path): JPEG output is lossy and would undo the perturbation; write a .png, or "
        + "set a JPEG quality to make the attack survive JPEG at that quality"
    case .unsupportedOutput(let path):
      return "\(path): the output must end in .png (or .jpg/.jpeg with a JPEG quality)"
    case .modelFileNotFound(let name, let searched, let howToGet):
      return
        "model file \(name) not found; searched: \(searched.joined(separator: ", ")). \(howToGet)"
    case .unusableWeights(let error):
      return error.description
    case .unusableLabels(let error):
      return error.description
    case .unusableDlibModel(let error):
      return error.description
    case .unusableDetector(let error):
      return error.description
    case .noClassifier(let weights, let layer):
      return "\(weights): no '\(layer)' layer: this is a \"notop\" file without the classifier; "
        + "identifying faces needs the full weights file"
    case .labelCountMismatch(let labels, let labelCount, let weights, let classCount):
      return "\(labels): \(labelCount) names, but the classifier in \(weights) has \(classCount) "
        + "classes; use the labels file that belongs to these weights"
    case .noLandmarks:
      return "cannot align the face: \(DlibModelFile.shapePredictor5Landmarks.name) is not "
        + "installed and the detector gave no landmarks"
    case .invalidOption(let name, let value, let rule):
      return "\(name) must be \(rule), got \(value)"
    case .conflictingOptions(let name, let other, let reason):
      return "\(name) and \(other) cannot be used together: \(reason)"
    case .optionDoesNotApply(let name, let model):
      return "\(name) does not apply to \(model.rawValue), \(model.kindDescription)"
    case .invalidAttack(let error):
      return error.description
    case .goalDoesNotFitModel(let goal, let model):
      return "the goal \(goal.name) does not apply to \(model.rawValue), "
        + "\(model.kindDescription) (it takes \(model.goalNames.joined(separator: " or ")))"
    case .noRecognizer(let goal):
      return "the goal \(goal.name) fools a recognizer, but this attacker has none (it was made "
        + "to hide faces from detectors)"
    case .detectorNotDifferentiable(let detector):
      return "\(detector.rawValue) cannot be hidden from: its scores have no gradient here; hide "
        + "from "
        + FaceDetectorKind.allCases.filter(\.isDifferentiable).map(\.rawValue).joined(
          separator: " or ")
    case .detectorNotLoaded(let detector):
      return "\(detector.rawValue) is not loaded: make the attacker from a PhotoDetector whose "
        + "detectors include it"
    case .optionDoesNotApplyToHiding(let name):
      return "\(name) does not apply to hiding a face: each detector's own threshold decides"
    case .unknownTarget(let name, let labels, let suggestions):
      let closest = suggestions.isEmpty ? "" : "; closest: \(suggestions.joined(separator: ", "))"
      return "\(labels): no label matches the target '\(name)'\(closest)"
    case .ambiguousTarget(let name, let labels, let matches):
      return "\(labels): the target '\(name)' matches several labels: "
        + matches.joined(separator: ", ")
    case .unknownModelName(let name, let known):
      return "unknown model '\(name)'; known: \(known.joined(separator: ", "))"
    case .downloadFailed(let entry, let cause, let hint):
      return "\(entry): \(cause). Without network access, \(hint)"
    }
  }
}

/// The old name of `PipelineError`, when it covered photo attacks only.
@available(*, deprecated, renamed: "PipelineError")
public typealias PhotoAttackError = PipelineError
