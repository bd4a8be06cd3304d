import Foundation

/// What a photo attack tries to make the recognizer (or, for `hide`, the face detectors) do.
public enum PhotoAttackGoal: Sendable, Equatable {
  /// Classifier: any top-1 name but the clean photo's.
  case untargeted
  /// Classifier: this name (matched as `ClassLabels.index(matching:)` matches) as the top-1.
  case targeted(name: String)
  /// Descriptor: a descriptor farther than the threshold from the clean face's.
  case dodge
  /// Descriptor: a descriptor within the threshold of the largest face in the photo at `photo`.
  case impersonate(photo: URL)
  /// Detectors: none of `detectors` (MTCNN, dlib-cnn; in this order the first finds the face)
  /// finds a face where the face was, in the saved file. Needs no recognizer.
  case hide(from: [FaceDetectorKind])

  /// The goal's name: `untargeted`, `targeted`, `dodge`, `impersonate` or `hide`.
  public var name: String {
    switch self {
    case .untargeted: return "untargeted"
    case .targeted: return "targeted"
    case .dodge: return "dodge"
    case .impersonate: return "impersonate"
    case .hide: return "hide"
    }
  }

  /// Checks that the recognizer `model` can be attacked with this goal: classifiers take
  /// `untargeted` and `targeted`, descriptors `dodge` and `impersonate`; `hide` leaves the
  /// recognizer alone and fits any.
  /// - Throws: `PipelineError.goalDoesNotFitModel`.
  public func check(fits model: RecognizerName) throws(PipelineError) {
    let forDescriptors: Bool
    switch self {
    case .untargeted, .targeted: forDescriptors = false
    case .dodge, .impersonate: forDescriptors = true
    case .hide: return
    }
    guard forDescriptors == model.comparesDescriptors else {
      throw .goalDoesNotFitModel(goal: self, model: model)
    }
  }

  /// Checks a hide goal's detectors: at least one, each at most once, none without a gradient
  /// (dlib-hog); the other goals name none and pass.
  /// - Throws: `PipelineError.invalidOption` (`detectors`), `.detectorNotDifferentiable`.
  public func checkDetectors() throws(PipelineError) {
    guard case .hide(let detectors) = self else { return }
    try PhotoDetector.check(detectors: detectors, upsample: 1)
    if let refused = detectors.first(where: { !$0.isDifferentiable }) {
      throw .detectorNotDifferentiable(refused)
    }
  }
}
