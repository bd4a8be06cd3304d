import Foundation

/// The published model files FaceAdversary can download: keras-vggface's release v2.0 weights (Keras-2
/// HDF5) and label files (NumPy).
public struct ModelCatalogEntry: Sendable, Equatable {
  /// The name users type, such as `vggface2-resnet50`.
  public let name: String
  /// The file name in the model folder and in the release.
  public let fileName: String
  /// What the file is, for listings.
  public let summary: String

  /// The download URL.
  public var url: URL { ModelCatalog.releaseBase.appendingPathComponent(fileName) }
}

/// The downloadable model files by name.
public enum ModelCatalog {
  /// keras-vggface's release holding the published weights.
  public static let releaseBase = URL(
    string: "https://github.com/rcmalli/keras-vggface/releases/download/v2.0/")!

  /// Every entry, in the order of a listing.
  public static let entries: [ModelCatalogEntry] = [
    .init(
      name: "vggface2-resnet50", fileName: "rcmalli_vggface_tf_resnet50.h5",
      summary: "VGGFace2 ResNet-50, 8,631 identities, 224x224 input"),
    .init(
      name: "vggface2-resnet50-notop", fileName: "rcmalli_vggface_tf_notop_resnet50.h5",
      summary: "VGGFace2 ResNet-50 without the classifier (2048-D features)"),
    .init(
      name: "vggface2-senet50", fileName: "rcmalli_vggface_tf_senet50.h5",
      summary: "VGGFace2 SE-ResNet-50, 8,631 identities, 224x224 input"),
    .init(
      name: "vggface2-senet50-notop", fileName: "rcmalli_vggface_tf_notop_senet50.h5",
      summary: "VGGFace2 SE-ResNet-50 without the classifier (2048-D features)"),
    .init(
      name: "vggface-vgg16", fileName: "rcmalli_vggface_tf_vgg16.h5",
      summary: "VGGFace (v1) VGG-16, 2,622 identities, 224x224 input"),
    .init(
      name: "vggface-vgg16-notop", fileName: "rcmalli_vggface_tf_notop_vgg16.h5",
      summary: "VGGFace (v1) VGG-16 convolutional part without the classifier"),
    .init(
      name: "labels-v1", fileName: "rcmalli_vggface_labels_v1.npy",
      summary: "names of the 2,622 VGGFace identities (VGG-16)"),
    .init(
      name: "labels-v2", fileName: "rcmalli_vggface_labels_v2.npy",
      summary: "names of the 8,631 VGGFace2 identities (ResNet-50, SE-ResNet-50)"),
  ]

  /// The entry called `name`.
  /// - Throws: `PipelineError.unknownModelName` listing the known names.
  public static func entry(named name: String) throws(PipelineError) -> ModelCatalogEntry {
    guard let entry = entries.first(where: { $0.name == name }) else {
      throw .unknownModelName(name, known: entries.map(\.name))
    }
    return entry
  }

  /// The sentence a "file not found" error quotes: how to obtain the file.
  public static func howToGet(_ entry: ModelCatalogEntry, folder: URL) -> String {
    "Fetch the catalog entry '\(entry.name)' (`ModelFetcher`), or "
      + manualDownloadHint(entry, folder: folder)
  }

  /// How to install the file without the fetch command: its URL and where to put it.
  public static func manualDownloadHint(_ entry: ModelCatalogEntry, folder: URL) -> String {
    "download \(entry.url.absoluteString) by hand and put it at "
      + "\(folder.appendingPathComponent(entry.fileName).path)."
  }
}
