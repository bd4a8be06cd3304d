import Foundation

/// What a photo attack tries to make the recognizer do.
public enum PhotoAttackGoal: Sendable, Equatable {
  /// Classifier: any top-1 name but the clean photo's.
  case untargeted
  /// Classifier: this name (matched as `ClassLabels.index(matching:)` matches) as the top-1.
  case targeted(name: String)
  /// Descriptor: a descriptor farther than the threshold from the clean face's.
  case dodge
  /// Descriptor: a descriptor within the threshold of the largest face in the photo at `photo`.
  case impersonate(photo: URL)

  /// The goal's name: `untargeted`, `targeted`, `dodge` or `impersonate`.
  public var name: String {
    switch self {
    case .untargeted: return "untargeted"
    case .targeted: return "targeted"
    case .dodge: return "dodge"
    case .impersonate: return "impersonate"
    }
  }

  /// Checks that the recognizer `model` can be attacked with this goal: classifiers take
  /// `untargeted` and `targeted`, descriptors `dodge` and `impersonate`.
  /// - Throws: `PipelineError.goalDoesNotFitModel`.
  public func check(fits model: RecognizerName) throws(PipelineError) {
    let forDescriptors: Bool
    switch self {
    case .untargeted, .targeted: forDescriptors = false
    case .dodge, .impersonate: forDescriptors = true
    }
    guard forDescriptors == model.comparesDescriptors else {
      throw .goalDoesNotFitModel(goal: self, model: model)
    }
  }
}
