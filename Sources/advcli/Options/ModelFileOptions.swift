import ArgumentParser
import FacePipeline
import Foundation

/// Where model files come from: shared by every command that loads a model (`identify`, `embed`,
/// `verify`, `attack`, `models`).
struct ModelFileOptions: ParsableArguments {
  @Option(help: "A weights file to use instead of the one found in the model folder.")
  var weights: String?

  @Option(help: "A labels file (.npy or .json) to use instead of the one found in the model folder.")
  var labels: String?

  @Option(
    help: ArgumentHelp(
      "The model folder.",
      discussion: "Default: $FACEADVERSARY_MODELS, then ~/.local/share/faceadversary/models."))
  var models: String?

  /// The folders searched for model files.
  var modelDirectory: ModelDirectory {
    ModelDirectory(explicit: models.map { URL(fileURLWithPath: $0, isDirectory: true) })
  }
}
