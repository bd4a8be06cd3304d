/// A value given to an attack from outside broke a rule.
///
/// The values are hyper-parameters, images, labels, descriptors, masks and CLI text. Each message names the rule and the value received, in the style of
/// cleverhans ("eps must be greater than or equal to 0, got -1.0 instead").
public enum AttackError: Error, Equatable, CustomStringConvertible {
  /// `epsilon` (pixel levels) is negative or not finite.
  case invalidEpsilon(Float)
  /// An L2 attack was configured without an epsilon; L2 epsilons have no default.
  case missingL2Epsilon
  /// The step size (pixel levels) is not greater than 0 or not finite.
  case invalidStepSize(Float)
  /// The number of steps (or C&W steps per binary-search round) is below 1.
  case invalidSteps(Int)
  /// The number of PGD restarts is below 1.
  case invalidRestarts(Int)
  /// The MI-FGSM momentum is negative or not finite.
  case invalidMomentum(Float)
  /// A learning rate (Adam in pixel levels, C&W in tanh space) is not greater than 0.
  case invalidLearningRate(Float)
  /// The number of C&W binary-search rounds is below 1.
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
  /// A method was given an option it has no use for.
  case meaninglessOption(method: AttackMethod, option: String, reason: String)
  /// A pixel amount (`--eps`, `--step`) could not be read.
  case invalidPixelAmount(String)

  /// The message: the rule broken and the value received.
  public var description: String {
    switch self {
    case .invalidEpsilon(let value):
      return bound("eps", value, atLeastZero: true)
    case .missingL2Epsilon:
      return "an L2 attack needs an eps (the Euclidean norm of the perturbation in pixel levels"
        + " of 0...255); there is no default"
    case .invalidStepSize(let value):
      return bound("step size", value, atLeastZero: false)
    case .invalidSteps(let value):
      return "steps must be greater than or equal to 1, got \(value) instead"
    case .invalidRestarts(let value):
      return "restarts must be greater than or equal to 1, got \(value) instead"
    case .invalidMomentum(let value):
      return bound("momentum mu", value, atLeastZero: true)
    case .invalidLearningRate(let value):
      return bound("learning rate", value, atLeastZero: false)
    case .invalidSearchRounds(let value):
      return "binary search rounds must be greater than or equal to 1, got \(value) instead"
    case .invalidInitialConstant(let value):
      return bound("initial constant c", value, atLeastZero: false)
    case .invalidThreshold(let value):
      return bound("threshold", value, atLeastZero: true)
    case .invalidMargin(let value):
      return bound("margin", value, atLeastZero: true)
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
    case .meaninglessOption(let method, let option, let reason):
      return "\(method.rawValue) does not take \(option): \(reason)"
    case .invalidPixelAmount(let text):
      return "'\(text)' is not a pixel amount: give levels of 0...255 (8, 0.5) or a fraction of"
        + " the full range (8/255)"
    }
  }

  /// "NAME must be greater than (or equal to) 0, got V instead", or "NAME must be finite" for ±inf.
  private func bound(_ name: String, _ value: Float, atLeastZero: Bool) -> String {
    if value.isInfinite { return "\(name) must be finite, got \(value) instead" }
    return
      "\(name) must be greater than \(atLeastZero ? "or equal to " : "")0, got \(value) instead"
  }
}
