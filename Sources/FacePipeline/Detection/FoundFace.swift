import FaceTensor

/// A face found by one of `PhotoDetector`'s detectors, in the photo's pixels.
public struct FoundFace: Sendable, Equatable {
  /// The detector that found it.
  public let detector: FaceDetectorKind
  /// `[x, y, width, height]` in integer pixels: MTCNN's reported box, or dlib's rectangle as
  /// `[left, top, right - left + 1, bottom - top + 1]` (it may extend past the photo's edges).
  public let box: PixelBox
  /// MTCNN's face probability (0...1, the float32 value), dlib-cnn's network score or
  /// dlib-hog's SVM score (both above 0 for a face).
  public let confidence: Double
  /// MTCNN's five reported landmarks (eyes, nose, mouth corners); empty for the dlib detectors.
  public let landmarks: [PixelPoint]

  /// A face from its parts.
  public init(
    detector: FaceDetectorKind, box: PixelBox, confidence: Double, landmarks: [PixelPoint]
  ) {
    self.detector = detector
    self.box = box
    self.confidence = confidence
    self.landmarks = landmarks
  }

  /// A face MTCNN found.
  init(mtcnn face: FaceDetection) {
    self.init(
      detector: .mtcnn, box: face.reportedBox, confidence: Double(face.confidence),
      landmarks: face.reportedLandmarks)
  }

  /// A face one of the dlib detectors found.
  init(_ detector: FaceDetectorKind, rectangle: DlibRectangle, confidence: Double) {
    self.init(
      detector: detector,
      box: PixelBox(
        x: rectangle.left, y: rectangle.top, width: rectangle.right - rectangle.left + 1,
        height: rectangle.bottom - rectangle.top + 1),
      confidence: confidence, landmarks: [])
  }
}
