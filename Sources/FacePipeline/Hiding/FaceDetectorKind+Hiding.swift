extension FaceDetectorKind {
  /// Whether a hiding attack can run against the detector: its face scores have a gradient with
  /// respect to the pixels here (dlib-cnn; not dlib-hog, whose HOG features and SVM are computed
  /// without one).
  public var isDifferentiable: Bool { self == .dlibCNN }

  /// How far below its threshold a hiding attack pushes the detector's scores by default, in
  /// the detector's own units; nil for a detector that cannot be attacked.
  ///
  /// dlib-cnn: 0.5 of network score (faces score about 0.5 to 1.5, everything else below 0).
  /// Scores of the 8-bit photo as dlib scans it differ from the float gradient path's by a few
  /// hundredths; 0.5 keeps the windows below 0 for dlib's own detector too.
  public var defaultHidingMargin: Float? { self == .dlibCNN ? 0.5 : nil }
}
