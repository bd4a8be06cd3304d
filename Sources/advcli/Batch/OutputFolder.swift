import FacePipeline
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The `--out-dir` folder: created with its missing parents before the first attack, and removed
/// again at the end when this run created it and wrote nothing into it (every photo was bad), so
/// that a run that wrote nothing leaves nothing behind.
struct OutputFolder {
  /// The folders this run created, the deepest last.
  let created: [String]

  /// Creates `path` and its missing parents.
  /// - Throws: `PipelineError.unusableOutput` naming the folder that could not be created.
  init(creating path: String) throws(PipelineError) {
    var missing: [String] = []
    var folder = URL(fileURLWithPath: path).standardizedFileURL.path
    while !FileManager.default.fileExists(atPath: folder) {
      missing.insert(folder, at: 0)
      let parent = (folder as NSString).deletingLastPathComponent
      guard parent != folder, !parent.isEmpty else { break }
      folder = parent
    }
    var created: [String] = []
    for folder in missing {
      guard mkdir(folder, 0o777) == 0 || errno == EEXIST else {
        let reason = "cannot create the folder \(folder): \(String(cString: strerror(errno)))"
        OutputFolder(created: created).removeIfEmpty()
        throw .unusableOutput(path: path, reason: reason)
      }
      created.append(folder)
    }
    self.created = created
  }

  private init(created: [String]) { self.created = created }

  /// Removes the folders this run created, deepest first, as long as they are empty.
  func removeIfEmpty() {
    for folder in created.reversed() {
      guard rmdir(folder) == 0 else { return }
    }
  }
}
