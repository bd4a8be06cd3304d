import Foundation

/// The face detectors `PhotoDetector` can run.
public enum FaceDetectorKind: String, Sendable, CaseIterable, Equatable {
  /// MTCNN with the `mtcnn` package's weights (bundled): boxes, probabilities, five landmarks.
  case mtcnn
  /// dlib's HOG frontal face detector (bundled): rectangles and SVM scores.
  case dlibHOG = "dlib-hog"
  /// dlib's CNN (MMOD) face detector (`mmod_human_face_detector.dat` from the model folder):
  /// rectangles and network scores.
  case dlibCNN = "dlib-cnn"

  /// The detectors of a comma-separated list of names (`mtcnn,dlib-cnn`), in the order given,
  /// each once.
  ///
  /// - Returns: `nil` when a name is unknown, repeated or empty.
  public static func list(_ text: String) -> [FaceDetectorKind]? {
    var kinds: [FaceDetectorKind] = []
    for name in text.split(separator: ",", omittingEmptySubsequences: false) {
      guard let kind = FaceDetectorKind(rawValue: name.trimmingCharacters(in: .whitespaces)),
        !kinds.contains(kind)
      else { return nil }
      kinds.append(kind)
    }
    return kinds.isEmpty ? nil : kinds
  }
}
