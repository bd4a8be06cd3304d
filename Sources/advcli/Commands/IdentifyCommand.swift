import ArgumentParser
import FacePipeline
import Foundation

extension VGGFaceModelName: ExpressibleByArgument {}

extension AdvCLI {
  /// `advcli identify IMAGE...`: the most probable identities of the faces in photos.
  struct Identify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Name the faces in photos with a keras-vggface classifier.",
      discussion: """
        Each face is resized to the model's 224x224 input; the output lists the most probable \
        identities with their softmax probability. With --json, one JSON object per image and line: \
        {"image": ..., "faces": [{"box": [x, y, w, h] or null, "predictions": [{"index": i, \
        "label": "...", "probability": p}, ...]}]}.
        """)

    @Argument(help: "The photos (JPEG or PNG).")
    var images: [String]

    @Option(help: "The keras-vggface classifier.")
    var model: VGGFaceModelName = .vggface2ResNet50

    @OptionGroup var files: ModelFileOptions

    @Option(help: "How many identities to list per face.")
    var top = 5

    @Flag(help: "Use each whole photo as one face instead of detecting faces.")
    var noDetect = false

    @Flag(help: "Print one JSON object per photo instead of tables.")
    var json = false

    func validate() throws {
      guard top >= 1 else { throw ValidationError("--top must be at least 1, got \(top)") }
      // Face boxes come from the MTCNN detector once it is part of the build; until then the
      // whole photo is the face.
      guard noDetect else {
        throw ValidationError(
          "face detection (MTCNN) is not part of this build yet; pass --no-detect to use each whole "
            + "photo as one face")
      }
    }

    func run() throws {
      try exitingWithStatus2OnBadInput {
        let recognizer = try VGGFaceRecognizer.load(
          model, weights: files.weights.map { URL(fileURLWithPath: $0) },
          labels: files.labels.map { URL(fileURLWithPath: $0) }, directory: files.modelDirectory)
        for path in images {
          let faces = try recognizer.identify(
            photoAt: URL(fileURLWithPath: path), boxes: nil, top: top)
          if json {
            print(try IdentifyOutput.jsonLine(image: path, faces: faces))
          } else {
            print(IdentifyOutput.table(image: path, faces: faces))
          }
        }
      }
    }
  }
}
