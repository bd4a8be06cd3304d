import Foundation

/// Where model files are looked up: an explicit folder, else `$FACEADVERSARY_MODELS`, else
/// `~/.local/share/faceadversary/models` (where `make setup` puts them).
public struct ModelDirectory: Sendable, Equatable {
  /// The folders searched, in order.
  public let searchPath: [URL]

  /// The search path for an optional explicit folder and the given environment.
  public init(
    explicit: URL? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    home: URL = FileManager.default.homeDirectoryForCurrentUser
  ) {
    searchPath =
      explicit.map { [$0] } ?? ModelSearchPath.folders(environment: environment, home: home)
  }

  /// `~/.local/share/faceadversary/models` (`ModelSearchPath.defaultFolder`).
  public static func defaultFolder(
    home: URL = FileManager.default.homeDirectoryForCurrentUser
  ) -> URL {
    ModelSearchPath.defaultFolder(home: home)
  }

  /// The first existing file called `name` along the search path.
  /// - Parameter howToGet: a sentence saying how to obtain the file, quoted in the error.
  /// - Throws: `PipelineError.modelFileNotFound` listing every place searched.
  public func locate(_ name: String, howToGet: String) throws(PipelineError) -> URL {
    if let found = ModelSearchPath.firstExisting(name, in: searchPath) { return found }
    throw .modelFileNotFound(name: name, searched: searchPath.map { $0.path }, howToGet: howToGet)
  }

  /// The folder new downloads go to: the first folder of the search path.
  public var writableFolder: URL { searchPath[0] }
}
