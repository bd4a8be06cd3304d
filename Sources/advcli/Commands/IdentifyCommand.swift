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
        Faces are found with MTCNN (every face, in the detector's order), each box cropped and \
        resized to the model's 224x224 input as the seed write-up does; --no-detect uses each whole \
        photo as one face. The output lists the most probable identities with their softmax \
        probability; a photo without faces gives an empty list. With --json, one JSON object per image and line: \
        {"image": ..., "faces": [{"box": [x, y, w, h] or null, "predictions": [{"index": i, \
        "label": "...", "probability": p}, ...]}]}.
        """)

    @Argument(help: "The photos (JPEG or PNG).")
    var images: [String]

    @Option(help: "The keras-vggface classifier.")
    var model: VGGFaceModelName = .vggface2ResNet50

    @OptionGroup var files: ModelFileOptions

    @Option(parsing: .unconditional, help: "How many identities to list per face.")
    var top = 5

    @Flag(help: "Use each whole photo as one face instead of detecting faces.")
    var noDetect = false

    @Flag(help: "Print one JSON object per photo instead of tables.")
    var json = false

    /// advcli's spelling of the library's parameters.
    static let errors = LibraryErrors(options: ["top": "--top"])

    func validate() throws {
      do {
        try PhotoIdentifier.check(top: top)
      } catch {
        throw Self.errors.validationError(error)
      }
    }

    func run() throws {
      try Self.errors.reporting {
        let identifier = try PhotoIdentifier(
          model: model, weights: files.weights.map { URL(fileURLWithPath: $0) },
          labels: files.labels.map { URL(fileURLWithPath: $0) }, directory: files.modelDirectory,
          detectFaces: !noDetect)
        for path in images {
          let faces = try identifier.identify(photoAt: URL(fileURLWithPath: path), top: top)
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
