import ArgumentParser
import FacePipeline
import Foundation

extension AdvCLI {
  /// `advcli models`: list and download model files.
  struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List and download the model files.",
      subcommands: [List.self, Fetch.self])
  }
}

extension AdvCLI.Models {
  /// `advcli models list`: every downloadable file and where it was found.
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the downloadable model files and whether each is installed.")

    @OptionGroup var files: ModelFileOptions

    func run() throws {
      let directory = files.modelDirectory
      print("model folders searched: \(directory.searchPath.map(\.path).joined(separator: ", "))")
      for entry in ModelCatalog.entries {
        let location = try? directory.locate(entry.fileName, howToGet: "")
        let state = location.map { "installed at \($0.path)" } ?? "not installed"
        print(
          "\(entry.name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(entry.summary); \(state)"
        )
      }
    }
  }

  /// `advcli models fetch NAME...`: download files from keras-vggface's release.
  struct Fetch: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Download model files from keras-vggface's release into the model folder.",
      discussion: "Names: \(ModelCatalog.entries.map(\.name).joined(separator: ", ")).")

    @Argument(help: "The files to download.")
    var names: [String]

    @OptionGroup var files: ModelFileOptions

    @Flag(help: "Print no progress bar.")
    var quiet = false

    func validate() throws {
      do {
        for name in names { _ = try ModelCatalog.entry(named: name) }
      } catch {
        throw LibraryErrors(options: [:]).validationError(error)
      }
    }

    func run() throws {
      let fetcher = ModelFetcher(folder: files.modelDirectory.writableFolder)
      var failed = false
      for name in names {
        let entry = try ModelCatalog.entry(named: name)
        let bar = ProgressBar(label: entry.fileName, quiet: quiet)
        do {
          let (path, downloaded) = try fetcher.fetch(entry) { received, total in
            let megabytes = String(format: "%.1f MB", Double(received) / 1e6)
            bar.update(fraction: total.map { Double(received) / Double($0) }, note: megabytes)
          }
          bar.finish()
          print(downloaded ? "downloaded \(path.path)" : "already present: \(path.path)")
        } catch {
          bar.finish()
          var standardError = StandardError()
          print("advcli: \(error)", to: &standardError)
          failed = true
        }
      }
      if failed { throw ExitCode.failure }
    }
  }
}
