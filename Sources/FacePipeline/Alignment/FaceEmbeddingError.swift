import FaceNets

/// A face could not be embedded or chosen.
public enum FaceEmbeddingError: Error, Equatable, CustomStringConvertible {
  /// There is no shape predictor and the detector gave no landmarks to align from.
  case noLandmarks
  /// No face was found in the image.
  case noFace(image: String)
  /// A face was asked for by index (0-based) but the image has only `count` faces.
  case faceIndexOutOfRange(image: String, index: Int, count: Int)

  /// The message, naming the image and the problem.
  public var description: String {
    switch self {
    case .noLandmarks:
      return
        "cannot align the face: \(DlibModelFile.shapePredictor5Landmarks.name) is not installed and "
        + "the detector gave no landmarks"
    case .noFace(let image):
      return "\(image): no face found"
    case .faceIndexOutOfRange(let image, let index, let count):
      let faces = count == 1 ? "1 face" : "\(count) faces"
      return "\(image): face \(index) requested, but the image has \(faces) (indices start at 0)"
    }
  }
}
