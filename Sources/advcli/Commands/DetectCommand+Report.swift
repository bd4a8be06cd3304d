import FacePipeline
import Foundation

/// The text `advcli detect` prints for one image.
enum DetectionReport {
  /// One line of JSON for one image and its faces.
  ///
  /// `{"image": ..., "width": W, "height": H, "faces": [{"detector": ..., "box": [x, y, w, h],
  /// "confidence": c, "keypoints": {"left_eye": [x, y], ...}}]}`, keys in this order,
  /// `keypoints` for MTCNN's faces only. MTCNN's integers are as the `mtcnn` package
  /// reports them and its confidence the float64 value of its float32; a dlib face's box is
  /// `[left, top, right - left + 1, bottom - top + 1]` of dlib's rectangle and its confidence
  /// dlib's score.
  static func json(image: String, detections: PhotoDetections) -> String {
    let size = detections.photo
    let objects = detections.detected.map { face in
      let box = face.box
      var object =
        "{\"detector\": \"\(face.detector.rawValue)\", "
        + "\"box\": [\(box.x), \(box.y), \(box.width), \(box.height)], "
        + "\"confidence\": \(face.confidence)"
      if face.detector == .mtcnn {
        let keypoints = zip(FaceLandmarks.names, face.landmarks).map { name, point in
          "\"\(name)\": [\(point.x), \(point.y)]"
        }
        object += ", \"keypoints\": {\(keypoints.joined(separator: ", "))}"
      }
      return object + "}"
    }
    return "{\"image\": \(JSONText.quoted(image)), \"width\": \(size.width), "
      + "\"height\": \(size.height), \"faces\": [\(objects.joined(separator: ", "))]}"
  }

  /// A heading with the image's size and face count, then one row per face: its box, its
  /// confidence and, when MTCNN ran, its landmarks; a `detector` column when any detector other
  /// than MTCNN ran.
  static func table(image: String, detections: PhotoDetections, detectors: [FaceDetectorKind])
    -> String
  {
    let (size, faces) = (detections.photo, detections.detected)
    let count = faces.count == 1 ? "1 face" : "\(faces.count) faces"
    var lines = ["\(image): \(size.width)x\(size.height), \(count)"]
    guard !faces.isEmpty else { return lines[0] }
    let labelled = detectors != [.mtcnn]
    let landmarks = detectors.contains(.mtcnn)
    let header =
      ["#"] + (labelled ? ["detector"] : []) + ["box x, y, w, h", "confidence"]
      + (landmarks ? FaceLandmarks.names : [])
    var rows = [header]
    for (index, face) in faces.enumerated() {
      let box = face.box
      let points = face.landmarks.map { "\($0.x), \($0.y)" }
      rows.append(
        ["\(index)"] + (labelled ? [face.detector.rawValue] : [])
          + ["\(box.x), \(box.y), \(box.width), \(box.height)", format(face.confidence)]
          + (landmarks
            ? points + Array(repeating: "", count: FaceLandmarks.names.count - points.count) : []))
    }
    let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
    for row in rows {
      let cells = zip(row, widths).map { cell, width in
        cell.padding(toLength: width, withPad: " ", startingAt: 0)
      }
      lines.append("  " + cells.joined(separator: "  ").trimmingTrailingSpaces())
    }
    return lines.joined(separator: "\n")
  }

  /// The confidence with 4 decimals.
  private static func format(_ confidence: Double) -> String {
    let scaled = Int((confidence * 10_000).rounded())
    let sign = scaled < 0 ? "-" : ""
    let magnitude = abs(scaled)
    return "\(sign)\(magnitude / 10_000).\(String(magnitude % 10_000).leftPadded(to: 4))"
  }
}

extension String {
  fileprivate func leftPadded(to length: Int) -> String {
    String(repeating: "0", count: max(0, length - count)) + self
  }

  fileprivate func trimmingTrailingSpaces() -> String {
    var result = self
    while result.hasSuffix(" ") { result.removeLast() }
    return result
  }
}
