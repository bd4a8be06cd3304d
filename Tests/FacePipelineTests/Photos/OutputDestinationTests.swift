import FacePipeline
import Foundation
import Testing

/// `OutputDestination`: every path that cannot take a file is refused with its reason, before any
/// work; the paths that can are accepted and nothing is created by checking.
@Suite struct OutputDestinationTests {
  @Test func refusesFoldersDevicesAndMissingOrFileParents() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("output-destination-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("file.png")
    try Data("x".utf8).write(to: file)
    let loop = folder.appendingPathComponent("loop.png")
    try FileManager.default.createSymbolicLink(atPath: loop.path, withDestinationPath: loop.path)
    let refused: [(URL, Bool, String)] = [
      (folder, false, "it is a folder"),
      (
        URL(fileURLWithPath: "/dev/null"), false,
        "it is not a regular file (a device, FIFO or socket)"
      ),
      (
        folder.appendingPathComponent("missing/out.png"), false,
        "the folder \(folder.path)/missing does not exist"
      ),
      (file.appendingPathComponent("out.png"), false, "\(file.path) is not a folder"),
      (file.appendingPathComponent("a/b/out.png"), true, "\(file.path) is not a folder"),
      (loop, false, "Too many levels of symbolic links"),
    ]
    for (url, creatingFolders, reason) in refused {
      #expect(throws: PipelineError.unusableOutput(path: url.path, reason: reason)) {
        try OutputDestination.check(url, creatingFolders: creatingFolders)
      }
    }
    #expect(
      PipelineError.unusableOutput(path: "/x/o.png", reason: "it is a folder").description
        == "/x/o.png: cannot write there: it is a folder")

    // Accepted: a new file, an existing file (replaced), a new file in folders still to create.
    try OutputDestination.check(folder.appendingPathComponent("new.png"))
    try OutputDestination.check(file)
    try OutputDestination.check(
      folder.appendingPathComponent("a/b/new.png"), creatingFolders: true)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        == ["file.png", "loop.png"])
  }
}
