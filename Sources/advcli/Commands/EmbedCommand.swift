import ArgumentParser
import FacePipeline
import Foundation

extension AdvCLI {
  /// `advcli embed IMAGE...`: dlib face descriptors of every face in each image.
  struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compute dlib's 128-D face descriptor of every face in each image.",
      discussion: """
        Each face is detected, aligned as dlib aligns it (5-point shape predictor, 150x150 chip) \
        and passed through dlib's face-recognition ResNet. With --no-detect each image is taken \
        as an aligned chip (resized to 150x150 if it is not). An image without a face gives an \
        empty list.
        """)

    @Argument(help: "The images (PNG or JPEG).")
    var images: [String]

    @OptionGroup var embedding: EmbeddingOptions

    @Flag(
      help:
        "Print one JSON object per image and line: {\"image\", \"faces\": [{\"box\", \"descriptor\"}]}."
    )
    var json = false

    func run() throws {
      try LibraryErrors(options: [:]).reporting {
        let embedder = try embedding.embedder()
        for path in images {
          let faces = try embedder.embed(photoAt: URL(fileURLWithPath: path))
          print(
            json
              ? EmbedOutput.json(image: path, faces: faces)
              : EmbedOutput.text(image: path, faces: faces))
        }
      }
    }
  }
}

/// The options `embed` and `verify` share: detection, alignment and the model folder.
struct EmbeddingOptions: ParsableArguments {
  @Flag(help: "Take each image as an aligned 150x150 face chip instead of detecting faces.")
  var noDetect = false

  @OptionGroup var alignment: AlignmentOption

  @OptionGroup var folder: ModelFolderOption

  /// The folders searched for model files.
  var modelDirectory: ModelDirectory { folder.modelDirectory }

  /// dlib's models from the model folder, with MTCNN unless `--no-detect`.
  func embedder() throws(PipelineError) -> PhotoEmbedder {
    try PhotoEmbedder(
      directory: modelDirectory, detectFaces: !noDetect,
      allowingApproximateAlignment: alignment.approximateAlignment)
  }
}

/// How `embed` prints its results.
enum EmbedOutput {
  /// `{"image": PATH, "faces": [{"box": [x, y, w, h] or null, "descriptor": [128 numbers]}]}` on
  /// one line.
  static func json(image: String, faces: [EmbeddedFace]) -> String {
    let items = faces.map { face in
      let box = face.region.map { r in
        "[\([r.x, r.y, r.width, r.height].map(number).joined(separator: ", "))]"
      }
      return
        "{\"box\": \(box ?? "null"), \"descriptor\": [\(face.descriptor.map { "\($0)" }.joined(separator: ", "))]}"
    }
    return "{\"image\": \(JSONText.quoted(image)), \"faces\": [\(items.joined(separator: ", "))]}"
  }

  /// `IMAGE: N face(s)`, then per face its index, box (to 0.1 pixel; `--json` has the exact
  /// values) and the 128 values.
  static func text(image: String, faces: [EmbeddedFace]) -> String {
    var lines = ["\(image): \(faces.count == 1 ? "1 face" : "\(faces.count) faces")"]
    for (index, face) in faces.enumerated() {
      let box =
        face.region.map { r in
          String(format: "box x %.1f y %.1f w %.1f h %.1f", r.x, r.y, r.width, r.height)
        } ?? "whole image (chip)"
      lines.append("face \(index): \(box)")
      lines.append(face.descriptor.map { String(format: "%.6f", $0) }.joined(separator: " "))
    }
    return lines.joined(separator: "\n")
  }

  /// A box coordinate: an integer when it is one, else the shortest exact decimal.
  static func number(_ value: Double) -> String {
    value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
  }
}
