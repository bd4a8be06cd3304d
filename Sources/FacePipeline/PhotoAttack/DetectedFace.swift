/// A face MTCNN found: its exact region (for dlib's alignment) and its reported box (for
/// VGGFace's crop and for output).
struct DetectedFace: Sendable {
  let region: FaceRegion
  let box: PixelBox

  init(_ detection: FaceDetection) {
    region = FaceRegion(detection)
    box = detection.reportedBox
  }

  /// The index of the face with the largest box (the first of equal ones); nil when none.
  static func largest(of faces: [DetectedFace]) -> Int? {
    faces.indices.max { a, b in
      (faces[a].region.area, b) < (faces[b].region.area, a)
    }
  }
}
