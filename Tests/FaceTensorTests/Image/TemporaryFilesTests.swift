import Foundation
import Testing

@testable import FaceTensor

/// `TemporaryFiles`: the registry of the temporary files atomic writes have open.
///
/// A signal handler empties it. Other tests write files concurrently, so these tests look only at their own
/// registrations and unlink only their own slots.
@Suite(.serialized) struct TemporaryFilesTests {
  static func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("temporary-files-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func aRegisteredFileIsRemovedAndAWithdrawnOneIsNot() throws {
    TemporaryFiles.prepare()
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (kept, removed) = (
      folder.appendingPathComponent(".kept.png.1f.tmp").path,
      folder.appendingPathComponent(".removed.png.2e.tmp").path
    )
    let keptSlot = try #require(TemporaryFiles.register(kept))
    let removedSlot = try #require(TemporaryFiles.register(removed))
    #expect(keptSlot != removedSlot)
    #expect(Set([kept, removed]).isSubset(of: Set(TemporaryFiles.registeredPaths)))
    for path in [kept, removed] { try Data("partial".utf8).write(to: URL(fileURLWithPath: path)) }

    TemporaryFiles.withdraw(keptSlot)
    #expect(!TemporaryFiles.registeredPaths.contains(kept))
    // What the signal handler does, limited to this test's slots.
    TemporaryFiles.removeAll(within: 1 << UInt64(keptSlot) | 1 << UInt64(removedSlot))
    #expect(!FileManager.default.fileExists(atPath: removed))
    #expect(FileManager.default.fileExists(atPath: kept))
    TemporaryFiles.withdraw(removedSlot)
    #expect(!TemporaryFiles.registeredPaths.contains(removed))
  }

  @Test func aPathLongerThanASlotGoesUntracked() {
    let long = "/tmp/" + String(repeating: "a", count: TemporaryFiles.slotBytes)
    #expect(TemporaryFiles.register(long) == nil)
  }

  @Test func slotsRunOutAtCapacityAndAreReused() throws {
    var slots: [Int] = []
    while let slot = TemporaryFiles.register("/nonexistent/.x.\(slots.count).tmp") {
      slots.append(slot)
      if slots.count > TemporaryFiles.capacity { break }
    }
    #expect(!slots.isEmpty && slots.count <= TemporaryFiles.capacity)
    #expect(Set(slots).count == slots.count)
    for slot in slots { TemporaryFiles.withdraw(slot) }
    let again = try #require(TemporaryFiles.register("/nonexistent/.again.tmp"))
    TemporaryFiles.withdraw(again)
  }

  @Test func anAtomicWriteIsRegisteredOnlyWhileItsTemporaryFileExists() throws {
    let folder = try Self.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let target = folder.appendingPathComponent("out.bin")
    try AtomicFileWriter.write(Data([1, 2, 3]), to: target)
    #expect(try Data(contentsOf: target) == Data([1, 2, 3]))
    #expect(!TemporaryFiles.registeredPaths.contains { $0.hasPrefix(folder.path) })
    // A failed write (no such folder) withdraws its registration too.
    let missing = folder.appendingPathComponent("missing/out.bin")
    #expect(throws: ImageIOError.self) { try AtomicFileWriter.write(Data([1]), to: missing) }
    #expect(!TemporaryFiles.registeredPaths.contains { $0.hasPrefix(folder.path) })
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.bin"])
  }
}
