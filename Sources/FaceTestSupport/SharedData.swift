import Foundation
import Synchronization

/// The one way tests find the project's shared data (photos, reference fixtures) outside the
/// repository: the folder named by the environment variable `FACEADVERSARY_SHARED`, or, when it is
/// unset, `../shared` next to the package root (found from this file's path).
///
/// A test that needs the folder declares it with a trait, so that without the folder it is
/// reported as skipped (not passed) and counted:
/// ```swift
/// @Test(.enabled(if: SharedData.isAvailable(for: "decodesEverySharedPhoto"), "needs ../shared"))
/// ```
public enum SharedData {
  /// The environment variable that overrides the location.
  public static let environmentVariable = "FACEADVERSARY_SHARED"

  /// The package root: three levels above this file (`Sources/FaceTestSupport/SharedData.swift`).
  public static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The shared folder: `$FACEADVERSARY_SHARED` if set and non-empty, else `<package root>/../shared`.
  public static var root: URL {
    if let value = ProcessInfo.processInfo.environment[environmentVariable], !value.isEmpty {
      return URL(fileURLWithPath: value, isDirectory: true).standardizedFileURL
    }
    return packageRoot.appendingPathComponent("../shared", isDirectory: true).standardizedFileURL
  }

  /// Whether the shared folder exists.
  public static var exists: Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory)
      && isDirectory.boolValue
  }

  /// A file or folder inside the shared folder, such as `url("data/faces/obama.jpg")`.
  public static func url(_ relativePath: String) -> URL {
    root.appendingPathComponent(relativePath)
  }

  /// Whether the shared folder exists, for a test's `.enabled(if:)` trait.
  ///
  /// When it does not, records `test` as not run and prints the running count, so a run without
  /// the data says how much it left out.
  public static func isAvailable(for test: String) -> Bool {
    if exists { return true }
    let count = notRunCount.add(1, ordering: .relaxed).newValue
    print(
      "SharedData: \(root.path) not found (set \(environmentVariable)); "
        + "'\(test)' not run; \(count) test(s) not run so far")
    return false
  }

  /// How many tests `isAvailable(for:)` has reported as not run in this process.
  public static var testsNotRun: Int { notRunCount.load(ordering: .relaxed) }

  private static let notRunCount = Atomic<Int>(0)
}
