import ArgumentParser
import FacePipeline
import Foundation

/// How advcli reports the library's errors: a value given on the command line that breaks the
/// library's rule (an option's value, an output format the options do not allow) is a usage
/// error (exit 64) in the words of advcli's options; anything else (a file that cannot be read,
/// used or written, a photo without a face) is bad input (exit 2).
///
/// The library names parameters by their Swift names (`jpegQuality`, `epsilon`); `options`
/// maps them to the option spellings of the command at hand.
struct LibraryErrors {
  /// Library parameter names to option spellings (`"jpegQuality": "--jpeg-quality"`).
  let options: [String: String]

  /// The option spelling of `parameter` (the parameter's own name when it has no option).
  func option(_ parameter: String) -> String { options[parameter] ?? parameter }

  /// Whether `error` is about a value given on the command line.
  func isUsageError(_ error: PipelineError) -> Bool {
    switch error {
    case .invalidOption, .conflictingOptions, .optionDoesNotApply, .goalDoesNotFitModel,
      .unknownModelName, .lossyOutput, .unsupportedOutput, .detectorNotDifferentiable,
      .optionDoesNotApplyToHiding:
      return true
    case .invalidAttack(let attackError):
      return attackError.parameter != nil
    default:
      return false
    }
  }

  /// The one-line message for `error`, options spelled as advcli spells them.
  func message(for error: PipelineError) -> String {
    switch error {
    case .invalidOption(let name, let value, let rule):
      return "\(option(name)) must be \(rule), got \(value)"
    case .conflictingOptions("faceIndex", "detectFaces", _):
      return "\(option("faceIndex")) needs face detection; drop \(option("detectFaces"))"
    case .conflictingOptions(let name, let other, let reason):
      return "\(option(name)) cannot be used with \(option(other)): \(reason)"
    case .optionDoesNotApply("weights", let model), .optionDoesNotApply("labels", let model):
      return "--weights and --labels apply to the VGGFace classifiers; \(model.rawValue) reads "
        + "--models"
    case .optionDoesNotApply(let name, let model):
      let applies = RecognizerName.allCases.filter {
        $0.comparesDescriptors != model.comparesDescriptors
      }.map(\.rawValue)
      return "\(option(name)) applies to --model \(applies.joined(separator: ", "))"
    case .goalDoesNotFitModel(let goal, let model):
      return goalMessage(goal, model: model)
    case .optionDoesNotApplyToHiding(let name):
      return "\(option(name)) does not apply to \(option("hide")): each detector's own threshold "
        + "decides"
    case .detectorNotDifferentiable(let detector):
      return "\(option("detectors")) \(detector.rawValue): \(error.description)"
    case .invalidAttack(let attackError):
      return attackError.parameter.map { attackError.message(naming: option($0)) }
        ?? attackError.description
    case .lossyOutput(let path):
      return "\(path): JPEG output is lossy and would undo the perturbation; write a .png, or "
        + "pass --jpeg-quality Q to make the attack survive JPEG at quality Q"
    case .unsupportedOutput(let path):
      return "\(path): the output must end in .png (or .jpg/.jpeg with --jpeg-quality)"
    case .modelFileNotFound(let name, let searched, _)
    where name == DlibModelFile.shapePredictor5Landmarks.name:
      return "model file \(name) not found; searched: \(searched.joined(separator: ", ")). "
        + "Install the dlib model files with `make setup`, or pass --approximate-alignment to "
        + "align faces from MTCNN's landmarks (descriptors about 0.1 off dlib's)"
    case .modelFileNotFound(let name, let searched, _):
      guard let entry = ModelCatalog.entries.first(where: { $0.fileName == name }),
        let folder = searched.first
      else { return error.description }
      return "model file \(name) not found; searched: \(searched.joined(separator: ", ")). "
        + "Get it with `advcli models fetch \(entry.name)`, or "
        + ModelCatalog.manualDownloadHint(entry, folder: URL(fileURLWithPath: folder))
    default:
      return error.description
    }
  }

  /// The goal options (`--target`, `--dodge`, `--impersonate`) that fit `model`.
  private func goalMessage(_ goal: PhotoAttackGoal, model: RecognizerName) -> String {
    guard model.comparesDescriptors else {
      return "--dodge and --impersonate apply to --model dlib-resnet; \(model.rawValue) takes "
        + "--target or nothing"
    }
    if case .targeted = goal {
      return "--target applies to the VGGFace classifiers; \(model.rawValue) takes --dodge or "
        + "--impersonate"
    }
    return "--model \(model.rawValue) needs exactly one of --dodge and --impersonate PHOTO"
  }

  /// Runs `body`: a usage error becomes a `ValidationError` (exit 64) with advcli's message; any
  /// other error but ArgumentParser's own is printed as `advcli: MESSAGE` and becomes exit
  /// status 2.
  func reporting<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as PipelineError {
      if isUsageError(error) { throw ValidationError(message(for: error)) }
      throw report(message(for: error))
    } catch let error as ExitCode {
      throw error
    } catch let error as ValidationError {
      throw error
    } catch let error as CleanExit {
      throw error
    } catch {
      throw report("\(error)")
    }
  }

  /// Prints `advcli: MESSAGE` to standard error and returns the bad-input exit status.
  func report(_ message: String) -> ExitCode {
    var standardError = StandardError()
    print("advcli: \(message)", to: &standardError)
    return badInputExitCode
  }

  /// A `ValidationError` for a library error raised while checking arguments.
  func validationError(_ error: PipelineError) -> ValidationError {
    ValidationError(message(for: error))
  }
}

/// Exit status for input the command could not use (a missing or unreadable file, no face, an
/// unknown name): the error's message goes to standard error as one line.
let badInputExitCode = ExitCode(2)
