import Foundation

/// The folders where model files are looked up when no folder is given:
/// `$FACEADVERSARY_MODELS` if set and not empty, then `~/.local/share/faceadversary/models`
/// (where `make setup` puts them).
public enum ModelSearchPath {
  /// The environment variable naming a model folder searched before the default one.
  public static let environmentVariable = "FACEADVERSARY_MODELS"

  /// `~/.local/share/faceadversary/models` under `home`.
  public static func defaultFolder(
    home: URL = FileManager.default.homeDirectoryForCurrentUser
  ) -> URL {
    home.appendingPathComponent(".local/share/faceadversary/models", isDirectory: true)
  }

  /// The folders searched, in order, for the given environment and home folder.
  public static func folders(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    home: URL = FileManager.default.homeDirectoryForCurrentUser
  ) -> [URL] {
    var folders: [URL] = []
    if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
      folders.append(URL(fileURLWithPath: fromEnvironment, isDirectory: true))
    }
    folders.append(defaultFolder(home: home))
    return folders
  }

  /// The first existing file called `name` in `folders`, or nil.
  public static func firstExisting(_ name: String, in folders: [URL] = folders()) -> URL? {
    folders.lazy.map { $0.appendingPathComponent(name) }
      .first { FileManager.default.fileExists(atPath: $0.path) }
  }
}
