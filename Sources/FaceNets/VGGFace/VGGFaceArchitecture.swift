/// The three keras-vggface 0.6 architectures (`keras_vggface/models.py`), with the facts that
/// belong to the architecture rather than to a weights file.
public enum VGGFaceArchitecture: String, Sendable, CaseIterable, CustomStringConvertible {
  /// `RESNET50`: VGGFace2 ResNet-50 (8,631 identities), BatchNorm epsilon 1e-3, no conv biases.
  case resnet50
  /// `SENET50`: VGGFace2 SE-ResNet-50 (8,631 identities), BatchNorm epsilon 1e-4, a
  /// squeeze-and-excitation branch in every block.
  case senet50
  /// `VGG16`: VGGFace (v1) VGG-16 (2,622 identities), ReLU convolutions with biases, no BatchNorm.
  case vgg16

  /// The image side the models take: inputs are `[N, 224, 224, 3]`.
  public static let inputSize = 224

  /// The `version` of keras-vggface's `preprocess_input` for this model: 1 for VGG-16 (VGGFace1
  /// means), 2 for the VGGFace2 ResNets.
  public var preprocessingVersion: Int { self == .vgg16 ? 1 : 2 }

  /// The BatchNorm epsilon keras-vggface builds with (nil for VGG-16, which has none): the Keras
  /// default 1e-3 for ResNet-50 and 1e-4 for SE-ResNet-50.
  public var batchNormEpsilon: Float? {
    switch self {
    case .resnet50: return 1e-3
    case .senet50: return 1e-4
    case .vgg16: return nil
    }
  }

  /// The name of the layer holding the class scores (`classifier` for the ResNets, `fc8` for
  /// VGG-16): its presence in a weights file tells a full file from a "notop" one.
  public var classifierLayer: String { self == .vgg16 ? "fc8" : "classifier" }

  /// The lowercase name keras-vggface's `VGGFace(model:)` takes.
  public var description: String { rawValue }

  /// The architecture whose distinctive layers a weights file has (`conv2_1_1x1_down` for
  /// SE-ResNet-50, `conv1/7x7_s2` for ResNet-50, `conv1_1` for VGG-16), if any.
  static func recognized(inLayers layers: Set<String>) -> VGGFaceArchitecture? {
    if layers.contains("conv2_1_1x1_down") { return .senet50 }
    if layers.contains("conv1/7x7_s2") { return .resnet50 }
    if layers.contains("conv1_1") { return .vgg16 }
    return nil
  }
}
