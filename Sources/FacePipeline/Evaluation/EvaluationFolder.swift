import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The folder an evaluation writes to.
///
/// It holds `grid.json` (the grid, its identity), one cell file per shard (`cells.jsonl`, `cells.K-of-N.jsonl`), and the summary and report made from them.
/// Processes share nothing but this folder: the shards of one grid may run in it at once.
public struct EvaluationFolder: Sendable {
  /// The folder.
  public let url: URL

  /// The folder at `url` (created by `claim`).
  public init(url: URL) { self.url = url }

  /// `grid.json` in the folder.
  public var gridURL: URL { url.appendingPathComponent("grid.json") }

  /// Records `grid` as the folder's grid, or checks it is the one already recorded.
  ///
  /// The record is written whole under a temporary name and linked into place, so of several shards
  /// starting at once exactly one writes it and the others read a complete file.
  /// - Throws: `EvaluationError.gridMismatch` when the folder holds another grid,
  ///   `.fileSystem` when the folder or the record cannot be made or read.
  public func claim(for grid: EvaluationGrid) throws(EvaluationError) {
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw .fileSystem(path: url.path, reason: "cannot create the folder")
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(grid) else {
      throw .fileSystem(path: gridURL.path, reason: "cannot encode the grid")
    }
    let temporary = url.appendingPathComponent(
      ".grid.\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
    guard FileManager.default.createFile(atPath: temporary.path, contents: data) else {
      throw .fileSystem(path: temporary.path, reason: "cannot be written")
    }
    defer { unlink(temporary.path) }
    if link(temporary.path, gridURL.path) == 0 { return }
    guard errno == EEXIST else {
      throw .fileSystem(path: gridURL.path, reason: String(cString: strerror(errno)))
    }
    let recorded = try recordedGrid()
    if let difference = grid.difference(from: recorded) {
      throw .gridMismatch(folder: url.path, difference: difference)
    }
  }

  /// The grid recorded in the folder.
  /// - Throws: `EvaluationError.fileSystem` when `grid.json` is missing or not a grid.
  public func recordedGrid() throws(EvaluationError) -> EvaluationGrid {
    guard let data = FileManager.default.contents(atPath: gridURL.path) else {
      throw .fileSystem(path: gridURL.path, reason: "missing: not an evaluation folder")
    }
    do {
      return try JSONDecoder().decode(EvaluationGrid.self, from: data)
    } catch {
      throw .fileSystem(path: gridURL.path, reason: "not an evaluation grid")
    }
  }

  /// The cell files in the folder, sorted by name.
  public func cellFiles() throws(EvaluationError) -> [URL] {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: url.path)
    } catch {
      throw .fileSystem(path: url.path, reason: "cannot list the folder")
    }
    return names.filter { $0.hasPrefix("cells") && $0.hasSuffix(".jsonl") }.sorted()
      .map { url.appendingPathComponent($0) }
  }

  /// Every complete record of the cell files `files`, each cell once, in file order.
  /// - Throws: `EvaluationError.conflictingCells` when two files hold one cell with different
  ///   results (the same result twice is kept once), or any error of `CellLog.read`.
  public static func mergedRecords(of files: [URL]) throws(EvaluationError) -> [CellRecord] {
    var merged: [CellRecord] = []
    var seen: [EvaluationCell: (index: Int, file: String)] = [:]
    for file in files {
      for record in try CellLog.read(file).records {
        let cell = record.cell
        if let earlier = seen[cell] {
          guard merged[earlier.index].hasSameResult(as: record) else {
            throw .conflictingCells(
              cell: cell.description, file: file.path, otherFile: earlier.file)
          }
          continue
        }
        seen[cell] = (merged.count, file.path)
        merged.append(record)
      }
    }
    return merged
  }
}
