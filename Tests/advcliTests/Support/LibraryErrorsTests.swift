import FacePipeline
import Foundation
import Testing

@testable import advcli

/// advcli's reading of the library's errors: which are usage errors (64) and how options are
/// named.
@Suite struct LibraryErrorsTests {
  let errors = LibraryErrors(options: ["epsilon": "--eps", "jpegQuality": "--jpeg-quality"])

  @Test func valuesGivenOnTheCommandLineAreUsageErrorsAndFilesAreBadInput() {
    let usage: [PipelineError] = [
      .invalidOption(name: "jpegQuality", value: "0", rule: "in 1...100"),
      .invalidAttack(.invalidEpsilon(-1)),
      .goalDoesNotFitModel(goal: .dodge, model: .vggface2ResNet50),
      .optionDoesNotApply(name: "threshold", model: .vggfaceVGG16),
      .lossyOutput(path: "a.jpg"), .unsupportedOutput(path: "a.gif"),
    ]
    let badInput: [PipelineError] = [
      .noFace(image: "a.jpg"), .unreadableImage(.notAnImage(file: "a.jpg")),
      .unusableOutput(path: "o.png", reason: "it is a folder"),
      .attackedRegionTooLarge(image: "a.png", width: 5_000, height: 5_000, limit: 16_000_000),
      .invalidAttack(.imagesOutOfBounds(found: -1...2, bounds: 0...1)),
      .modelFileNotFound(name: "x.dat", searched: ["/m"], howToGet: "Install it."),
    ]
    #expect(usage.allSatisfy(errors.isUsageError))
    #expect(!badInput.contains(where: errors.isUsageError))
  }

  @Test func parametersAreSaidAsOptions() {
    #expect(
      errors.message(for: .invalidOption(name: "jpegQuality", value: "0", rule: "in 1...100"))
        == "--jpeg-quality must be in 1...100, got 0")
    #expect(
      errors.message(for: .invalidAttack(.invalidEpsilon(-1)))
        == "--eps must be greater than or equal to 0, got -1.0 instead")
    // A parameter without an option keeps its own name.
    #expect(
      errors.message(for: .invalidOption(name: "top", value: "0", rule: "at least 1"))
        == "top must be at least 1, got 0")
  }

  @Test func aMissingCatalogFileSaysHowToFetchIt() {
    let entry = try? ModelCatalog.entry(named: "labels-v2")
    let message = errors.message(
      for: .modelFileNotFound(
        name: entry?.fileName ?? "", searched: ["/models"], howToGet: "ignored"))
    #expect(
      message
        == "model file rcmalli_vggface_labels_v2.npy not found; searched: /models. Get it with "
        + "`advcli models fetch labels-v2`, or download "
        + "https://github.com/rcmalli/keras-vggface/releases/download/v2.0/"
        + "rcmalli_vggface_labels_v2.npy by hand and put it at "
        + "/models/rcmalli_vggface_labels_v2.npy.")
    let dlib = PipelineError.modelFileNotFound(
      name: "x.dat", searched: ["/m"], howToGet: "Install it.")
    #expect(errors.message(for: dlib) == dlib.description)
  }
}
