import ArgumentParser
import FacePipeline
import Foundation

/// `--models DIR`: the folder model files are looked up in, shared by every command that loads a
/// model.
struct ModelFolderOption: ParsableArguments {
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

/// Where a classifier's files come from (`identify`, `attack`, `models`): explicit weights and
/// labels files, or the model folder.
struct ModelFileOptions: ParsableArguments {
  @Option(help: "A weights file to use instead of the one found in the model folder.")
  var weights: String?

  @Option(
    help: "A labels file (.npy or .json) to use instead of the one found in the model folder.")
  var labels: String?

  @OptionGroup var folder: ModelFolderOption

  /// The folders searched for model files.
  var modelDirectory: ModelDirectory { folder.modelDirectory }
}
