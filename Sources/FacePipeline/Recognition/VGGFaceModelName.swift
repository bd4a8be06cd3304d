import FaceNets

/// The keras-vggface classifiers by the names users type (`vggface2-resnet50`), with
/// the catalog files each needs.
public enum VGGFaceModelName: String, CaseIterable, Sendable {
  /// VGGFace2 ResNet-50 (8,631 identities): the seed write-up's model.
  case vggface2ResNet50 = "vggface2-resnet50"
  /// VGGFace2 SE-ResNet-50 (8,631 identities).
  case vggface2SENet50 = "vggface2-senet50"
  /// VGGFace (v1) VGG-16 (2,622 identities).
  case vggfaceVGG16 = "vggface-vgg16"

  /// The architecture the weights are built into.
  public var architecture: VGGFaceArchitecture {
    switch self {
    case .vggface2ResNet50: return .resnet50
    case .vggface2SENet50: return .senet50
    case .vggfaceVGG16: return .vgg16
    }
  }

  /// The catalog entry of the full weights file (with the classifier).
  public var weightsEntry: ModelCatalogEntry { VGGFaceModelName.catalogEntry(rawValue) }

  /// The catalog entry of the label file: `labels-v2` for the VGGFace2 models, `labels-v1` for
  /// VGG-16.
  public var labelsEntry: ModelCatalogEntry {
    VGGFaceModelName.catalogEntry(self == .vggfaceVGG16 ? "labels-v1" : "labels-v2")
  }

  private static func catalogEntry(_ name: String) -> ModelCatalogEntry {
    guard let entry = ModelCatalog.entries.first(where: { $0.name == name }) else {
      preconditionFailure("[VGGFaceModelName] the model catalog has no entry '\(name)'")
    }
    return entry
  }
}
