import FacePipeline
import Foundation

/// The text `advcli detect` prints for one image.
enum DetectionReport {
  /// One line of JSON: `{"image": ..., "width": W, "height": H, "faces": [{"box": [x, y, w, h],
  /// "confidence": c, "keypoints": {"left_eye": [x, y], ...}}]}`, keys in this order, integers
  /// as the `mtcnn` package reports them, the confidence as the float64 value of its float32.
  static func json(image: String, detections: PhotoDetections) -> String {
    let (size, faces) = (detections.photo, detections.faces)
    let objects = faces.map { face in
      let box = face.reportedBox
      let keypoints = zip(FaceLandmarks.names, face.reportedLandmarks).map { name, point in
        "\"\(name)\": [\(point.x), \(point.y)]"
      }
      return "{\"box\": [\(box.x), \(box.y), \(box.width), \(box.height)], "
        + "\"confidence\": \(Double(face.confidence)), "
        + "\"keypoints\": {\(keypoints.joined(separator: ", "))}}"
    }
    return "{\"image\": \(JSONText.quoted(image)), \"width\": \(size.width), "
      + "\"height\": \(size.height), \"faces\": [\(objects.joined(separator: ", "))]}"
  }

  /// A heading with the image's size and face count, then one row per face.
  static func table(image: String, detections: PhotoDetections) -> String {
    let (size, faces) = (detections.photo, detections.faces)
    let count = faces.count == 1 ? "1 face" : "\(faces.count) faces"
    var lines = ["\(image): \(size.width)x\(size.height), \(count)"]
    guard !faces.isEmpty else { return lines[0] }
    let header = ["#", "box x, y, w, h", "confidence"] + FaceLandmarks.names
    var rows = [header]
    for (index, face) in faces.enumerated() {
      let box = face.reportedBox
      rows.append(
        ["\(index)", "\(box.x), \(box.y), \(box.width), \(box.height)", format(face.confidence)]
          + face.reportedLandmarks.map { "\($0.x), \($0.y)" })
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
  private static func format(_ confidence: Float) -> String {
    let scaled = Int((Double(confidence) * 10_000).rounded())
    return "\(scaled / 10_000).\(String(scaled % 10_000).leftPadded(to: 4))"
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
