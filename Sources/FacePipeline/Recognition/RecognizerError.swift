/// A weights file and a labels file that load but cannot work together as a classifier.
public enum RecognizerError: Error, Equatable, CustomStringConvertible {
  /// The weights file has no classifier layer (a "notop" file gives features only).
  case noClassifier(weights: String, layer: String)
  /// The labels file names another number of classes than the classifier has.
  case labelCountMismatch(labels: String, labelCount: Int, weights: String, classCount: Int)

  /// One sentence starting with a file path.
  public var description: String {
    switch self {
    case .noClassifier(let weights, let layer):
      return "\(weights): no '\(layer)' layer: this is a \"notop\" file without the classifier; "
        + "identifying faces needs the full weights file"
    case .labelCountMismatch(let labels, let labelCount, let weights, let classCount):
      return "\(labels): \(labelCount) names, but the classifier in \(weights) has \(classCount) "
        + "classes; pass the labels file that belongs to these weights (--labels)"
    }
  }
}
