import FacePipeline
import Foundation

/// What `advcli identify` prints for one photo: a table per face (as the seed write-up shows
/// them) or one JSON line.
enum IdentifyOutput {
  /// A table per face: a heading naming the photo and the face, then name and confidence (%, three
  /// decimals) rows; `no face found` when there is none.
  static func table(image: String, faces: [FaceIdentification]) -> String {
    guard !faces.isEmpty else { return "\(image): no face found" }
    return faces.enumerated().map { i, face in
      let place = face.box.map { "box \($0.array)" } ?? "whole image"
      let width = max(4, face.predictions.map(\.label.count).max() ?? 0)
      var lines = ["\(image): face \(i + 1) of \(faces.count) (\(place))"]
      lines.append(
        "  " + "Name".padding(toLength: width, withPad: " ", startingAt: 0) + "  Confidence")
      for p in face.predictions {
        let percent = String(format: "%.3f%%", Double(p.probability) * 100)
        lines.append(
          "  " + p.label.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
            + String(repeating: " ", count: max(0, 10 - percent.count)) + percent)
      }
      return lines.joined(separator: "\n")
    }.joined(separator: "\n")
  }

  /// One line of JSON with the keys in this order: `{"image": ..., "faces": [{"box": [x, y, w, h]
  /// or null, "predictions": [{"index": i, "label": "...", "probability": p}, ...]}]}`.
  static func jsonLine(image: String, faces: [FaceIdentification]) throws -> String {
    var faceObjects: [String] = []
    for face in faces {
      let box = try face.box.map { try json($0.array) } ?? "null"
      var predictions: [String] = []
      for p in face.predictions {
        let (label, probability) = (try json(p.label), try json(p.probability))
        predictions.append(
          #"{"index":\#(p.index),"label":\#(label),"probability":\#(probability)}"#)
      }
      faceObjects.append(#"{"box":\#(box),"predictions":[\#(predictions.joined(separator: ","))]}"#)
    }
    let name = try json(image)
    return #"{"image":\#(name),"faces":[\#(faceObjects.joined(separator: ","))]}"#
  }

  /// One JSON value (a string escaped, a float in its shortest form), as `JSONEncoder` writes it.
  private static func json(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }
}
