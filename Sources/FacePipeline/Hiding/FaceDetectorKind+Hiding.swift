extension FaceDetectorKind {
  /// Whether a hiding attack can run against the detector: its face scores have a gradient with
  /// respect to the pixels here (MTCNN, dlib-cnn; not dlib-hog, whose HOG features and SVM are
  /// computed without one).
  public var isDifferentiable: Bool { self != .dlibHOG }

  /// How far below its threshold a hiding attack pushes the detector's scores by default, in
  /// the detector's own units; nil for dlib-hog, which cannot be attacked.
  ///
  /// - MTCNN: 0.5 of face log-odds (`MTCNNHidingModel`): an O-Net probability must fall from
  ///   its threshold 0.7 to 0.586 (log-odds 0.847 to 0.347). The `mtcnn` package computes with
  ///   TensorFlow and OpenCV and differs from this implementation in the last bits of a
  ///   probability, far less than that.
  /// - dlib-cnn: 0.5 of network score (faces score about 0.5 to 1.5, everything else below 0).
  ///   The gradient path upsamples in floats where dlib rounds the upsampled photo to 8 bits,
  ///   which moves a score by a few hundredths; 0.5 keeps the windows below 0 for dlib's own
  ///   detector too.
  public var defaultHidingMargin: Float? {
    switch self {
    case .mtcnn: return 0.5
    case .dlibCNN: return 0.5
    case .dlibHOG: return nil
    }
  }
}
