/// A value given to an attack from outside broke a rule.
///
/// The values are hyper-parameters, images, labels, descriptors and masks. Each message names
/// the rule and the value received, in the style of cleverhans ("epsilon must be greater than or
/// equal to 0, got -1.0 instead"); an error about a hyper-parameter names it by its Swift name
/// (`parameter`), and `message(naming:)` says the same with another name (a front end's option).
public enum AttackError: Error, Equatable, CustomStringConvertible {
  /// `epsilon` (pixel levels) is negative, not finite, or above
  /// `AttackLimits.maximumLInfinityEpsilon` for an L∞ budget.
  case invalidEpsilon(Float)
  /// An L2 attack was configured without an epsilon; L2 epsilons have no default.
  case missingL2Epsilon
  /// The step size (pixel levels) is not greater than 0 or not finite.
  case invalidStepSize(Float)
  /// The number of steps (or C&W steps per binary-search round) is below 1 or above
  /// `AttackLimits.maximumSteps`.
  case invalidSteps(Int)
  /// The number of PGD restarts is below 1 or above `AttackLimits.maximumRestarts`.
  case invalidRestarts(Int)
  /// The MI-FGSM momentum is negative or not finite.
  case invalidMomentum(Float)
  /// A learning rate (Adam in pixel levels, C&W in tanh space) is not greater than 0.
  case invalidLearningRate(Float)
  /// The number of C&W binary-search rounds is below 1 or above
  /// `AttackLimits.maximumSearchRounds`.
  case invalidSearchRounds(Int)
  /// The initial C&W constant c is not greater than 0.
  case invalidInitialConstant(Float)
  /// A goal's threshold is negative or not finite.
  case invalidThreshold(Float)
  /// A goal's margin is negative or not finite.
  case invalidMargin(Float)
  /// The images are not a rank-4 NHWC tensor with at least one image and one pixel.
  case invalidImageShape([Int])
  /// Some pixels lie outside the model's input bounds (or are not finite).
  case imagesOutOfBounds(found: ClosedRange<Float>, bounds: ClosedRange<Float>)
  /// The number of labels differs from the number of images.
  case labelCountMismatch(images: Int, labels: Int)
  /// A label is not a class index of the model.
  case labelOutOfRange(label: Int, classes: Int)
  /// Reference descriptors (sources or targets) have the wrong shape.
  case descriptorShapeMismatch(expected: [Int], actual: [Int])
  /// The mask's shape does not broadcast to the images.
  case maskShapeMismatch(images: [Int], mask: [Int])
  /// A mask value is neither 0 nor 1.
  case invalidMaskValue(Float)
  /// A method was given a setting (`parameter`, by its Swift name) it has no use for.
  case meaninglessOption(method: AttackMethod, parameter: String, reason: String)

  /// The hyper-parameter the error is about, by its Swift name (`epsilon`, `stepSize`,
  /// `steps`, ...); nil for errors about the images, labels, descriptors or mask.
  public var parameter: String? {
    switch self {
    case .invalidEpsilon, .missingL2Epsilon: return "epsilon"
    case .invalidStepSize: return "stepSize"
    case .invalidSteps: return "steps"
    case .invalidRestarts: return "restarts"
    case .invalidMomentum: return "momentum"
    case .invalidLearningRate: return "learningRate"
    case .invalidSearchRounds: return "searchRounds"
    case .invalidInitialConstant: return "initialConstant"
    case .invalidThreshold: return "threshold"
    case .invalidMargin: return "margin"
    case .meaninglessOption(_, let parameter, _): return parameter
    case .invalidImageShape, .imagesOutOfBounds, .labelCountMismatch, .labelOutOfRange,
      .descriptorShapeMismatch, .maskShapeMismatch, .invalidMaskValue:
      return nil
    }
  }

  /// The message: the rule broken and the value received, naming the parameter `parameter`.
  public var description: String { message(naming: parameter ?? "") }

  /// The message with the parameter called `name` instead of its Swift name (a front end's
  /// spelling of `epsilon`, say); the same as `description` for errors without a parameter.
  public func message(naming name: String) -> String {
    switch self {
    case .invalidEpsilon(let value) where value.isFinite && value > 0:
      let limit = Int(AttackLimits.maximumLInfinityEpsilon)
      return "\(name) must be at most \(limit) levels (the whole 0...255 range) for linf, got "
        + "\(value) instead"
    case .invalidEpsilon(let value):
      return bound(name, value, atLeastZero: true)
    case .missingL2Epsilon:
      return "an L2 attack needs \(name) (the Euclidean norm of the perturbation in pixel levels"
        + " of 0...255); there is no default"
    case .invalidStepSize(let value), .invalidLearningRate(let value),
      .invalidInitialConstant(let value):
      return bound(name, value, atLeastZero: false)
    case .invalidMomentum(let value), .invalidThreshold(let value), .invalidMargin(let value):
      return bound(name, value, atLeastZero: true)
    case .invalidSteps(let value) where value > 1:
      return "\(name) must be at most \(AttackLimits.maximumSteps), got \(value) instead"
    case .invalidRestarts(let value) where value > 1:
      return "\(name) must be at most \(AttackLimits.maximumRestarts), got \(value) instead"
    case .invalidSearchRounds(let value) where value > 1:
      return "\(name) must be at most \(AttackLimits.maximumSearchRounds), got \(value) instead"
    case .invalidSteps(let value), .invalidRestarts(let value), .invalidSearchRounds(let value):
      return "\(name) must be greater than or equal to 1, got \(value) instead"
    case .invalidImageShape(let shape):
      return "images must have shape [N, H, W, C] with N, H, W, C >= 1, got \(shape) instead"
    case .imagesOutOfBounds(let found, let bounds):
      return "images must lie within the model's input bounds \(bounds), got values in \(found)"
    case .labelCountMismatch(let images, let labels):
      return "labels must give one class per image: \(images) images, got \(labels) labels"
    case .labelOutOfRange(let label, let classes):
      return "label \(label) is out of range for a model with \(classes) classes (0..<\(classes))"
    case .descriptorShapeMismatch(let expected, let actual):
      return "reference descriptors must have shape \(expected), got \(actual) instead"
    case .maskShapeMismatch(let images, let mask):
      return "mask of shape \(mask) does not fit images \(images): use [N or 1, H, W, C or 1]"
    case .invalidMaskValue(let value):
      return "mask values must be 0 (keep) or 1 (may change), got \(value)"
    case .meaninglessOption(let method, _, let reason):
      return "\(method.rawValue) does not take \(name): \(reason)"
    }
  }

  /// "NAME must be greater than (or equal to) 0, got V instead", or "NAME must be finite" for ±inf.
  private func bound(_ name: String, _ value: Float, atLeastZero: Bool) -> String {
    if value.isInfinite { return "\(name) must be finite, got \(value) instead" }
    return
      "\(name) must be greater than \(atLeastZero ? "or equal to " : "")0, got \(value) instead"
  }
}
