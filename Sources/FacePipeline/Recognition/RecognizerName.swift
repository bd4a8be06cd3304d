/// The face recognizers FacePipeline runs and attacks, by the names users type
/// (`vggface2-resnet50`, `dlib-resnet`).
public enum RecognizerName: String, CaseIterable, Sendable {
  /// keras-vggface's VGGFace2 ResNet-50 classifier (8,631 identities).
  case vggface2ResNet50 = "vggface2-resnet50"
  /// keras-vggface's VGGFace2 SE-ResNet-50 classifier (8,631 identities).
  case vggface2SENet50 = "vggface2-senet50"
  /// keras-vggface's VGGFace (v1) VGG-16 classifier (2,622 identities).
  case vggfaceVGG16 = "vggface-vgg16"
  /// dlib's face-recognition ResNet: a 128-D descriptor compared by distance.
  case dlibResNet = "dlib-resnet"

  /// The keras-vggface classifier this names, nil for dlib's descriptor.
  public var vggFace: VGGFaceModelName? { VGGFaceModelName(rawValue: rawValue) }

  /// Whether the recognizer compares descriptors by distance (dlib) rather than naming classes.
  public var comparesDescriptors: Bool { vggFace == nil }

  /// "a classifier" or "a face descriptor", for messages.
  var kindDescription: String { comparesDescriptors ? "a face descriptor" : "a classifier" }

  /// The goals the recognizer takes, by `PhotoAttackGoal.name`.
  var goalNames: [String] {
    comparesDescriptors ? ["dodge", "impersonate"] : ["untargeted", "targeted"]
  }
}

extension VGGFaceModelName {
  /// The recognizer name of this classifier.
  public var recognizerName: RecognizerName {
    switch self {
    case .vggface2ResNet50: return .vggface2ResNet50
    case .vggface2SENet50: return .vggface2SENet50
    case .vggfaceVGG16: return .vggfaceVGG16
    }
  }
}
