import Foundation
import Testing

@testable import FacePipeline

struct EvaluationFolderTests {
  static func temporaryFolder() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent(
      "evaluation-\(UUID().uuidString)", isDirectory: true)
  }

  /// A new temporary folder and the path of `cells.jsonl` in it (not created).
  static func cellFile() throws -> (folder: URL, file: URL) {
    let folder = temporaryFolder()
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return (folder, folder.appendingPathComponent("cells.jsonl"))
  }

  static func record(_ cell: EvaluationCell, success: Bool, seconds: Double = 1.5) -> CellRecord {
    CellRecord(
      image: "photo.jpg", sha256: cell.photoSHA256, output: nil, model: "dlib-resnet",
      method: cell.method, eps: cell.epsilon, eot: cell.eotSamples, jpegQuality: nil,
      seed: cell.seed(gridSeed: 7), stepsUsed: success ? 4 : 20, seconds: seconds,
      success: success, before: .init(distance: 0, samePerson: true),
      after: .init(distance: success ? 0.7 : 0.4, samePerson: !success), linf: cell.epsilon,
      l2: 900, psnr: 34.5, ssim: 0.93, exitReason: success ? "success" : "steps")
  }

  @Test func aFolderKeepsItsGridAndRefusesAnother() throws {
    let folder = EvaluationFolder(url: Self.temporaryFolder())
    defer { try? FileManager.default.removeItem(at: folder.url) }
    let grid = EvaluationGridTests.grid(photos: 2)
    try folder.claim(for: grid)
    try folder.claim(for: grid)
    #expect(try folder.recordedGrid() == grid)
    do {
      try folder.claim(for: EvaluationGridTests.grid(photos: 2, epsilons: [16]))
      Issue.record("another grid was accepted")
    } catch {
      guard case .gridMismatch(_, let difference) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(difference == "eps: [1.0, 2.0, 4.0, 8.0] recorded, [16.0] given")
    }
  }

  @Test func shardsClaimingAtOnceAllAgreeOnOneRecord() async throws {
    let folder = EvaluationFolder(url: Self.temporaryFolder())
    defer { try? FileManager.default.removeItem(at: folder.url) }
    let grid = EvaluationGridTests.grid(photos: 5)
    let failures = await withTaskGroup(of: Bool.self) { group in
      for _ in 0..<8 {
        group.addTask { (try? folder.claim(for: grid)) == nil }
      }
      return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
    }
    #expect(failures == 0)
    #expect(try folder.recordedGrid() == grid)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.url.path)
    #expect(leftovers == ["grid.json"])
  }

  @Test func aTruncatedLastLineIsDroppedAndRedone() throws {
    let (folder, file) = try Self.cellFile()
    defer { try? FileManager.default.removeItem(at: folder) }
    let cells = EvaluationGridTests.grid(photos: 1).cells
    let writer = try CellLog.Writer(url: file, completeBytes: 0)
    try writer.append(Self.record(cells[0], success: true))
    try writer.append(Self.record(cells[1], success: false))
    let whole = try Data(contentsOf: file)
    // A run killed in the middle of its third line.
    let handle = try FileHandle(forWritingTo: file)
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(#"{"image":"photo.jpg","sha256":"#.utf8))
    try handle.close()

    let contents = try CellLog.read(file)
    #expect(contents.records.map(\.cell) == Array(cells[0..<2]))
    #expect(contents.completeBytes == whole.count)
    let resumed = try CellLog.Writer(url: file, completeBytes: contents.completeBytes)
    try resumed.append(Self.record(cells[2], success: true))
    #expect(try CellLog.read(file).records.map(\.cell) == Array(cells[0..<3]))
  }

  @Test func aDamagedLineBeforeTheLastIsAnErrorNamingIt() throws {
    let (folder, file) = try Self.cellFile()
    defer { try? FileManager.default.removeItem(at: folder) }
    let cells = EvaluationGridTests.grid(photos: 1).cells
    let writer = try CellLog.Writer(url: file, completeBytes: 0)
    try writer.append(Self.record(cells[0], success: true))
    let handle = try FileHandle(forWritingTo: file)
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("{\"image\": \"photo.jpg\"}\n".utf8))
    try handle.close()
    try writer.append(Self.record(cells[1], success: true))
    #expect(
      throws: EvaluationError.damagedRecord(file: file.path, line: 2, reason: "no \"sha256\"")
    ) {
      try CellLog.read(file)
    }
  }

  @Test func mergingKeepsEachCellOnceAndRefusesConflicts() throws {
    let folder = Self.temporaryFolder()
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let cells = EvaluationGridTests.grid(photos: 1).cells
    let first = folder.appendingPathComponent("cells.1-of-2.jsonl")
    let second = folder.appendingPathComponent("cells.2-of-2.jsonl")
    try CellLog.Writer(url: first, completeBytes: 0).append(Self.record(cells[0], success: true))
    let other = try CellLog.Writer(url: second, completeBytes: 0)
    // The same result, timed differently: one cell.
    try other.append(Self.record(cells[0], success: true, seconds: 9))
    try other.append(Self.record(cells[1], success: false))
    let merged = try EvaluationFolder.mergedRecords(of: [first, second])
    #expect(merged.map(\.cell) == Array(cells[0..<2]))
    #expect(try EvaluationFolder(url: folder).cellFiles() == [first, second])

    try other.append(Self.record(cells[0], success: false))
    #expect(
      throws: EvaluationError.conflictingCells(
        cell: cells[0].description, file: second.path, otherFile: first.path)
    ) {
      try EvaluationFolder.mergedRecords(of: [first, second])
    }
  }

  @Test func theSummaryCountsSuccessesWithTheirIntervalAndMedians() throws {
    let grid = EvaluationGridTests.grid(photos: 4)
    let records = grid.cells.filter { $0.method == "pgd" && $0.epsilon == 8 }.enumerated().map {
      Self.record($0.element, success: $0.offset < 3, seconds: Double($0.offset))
    }
    let summary = EvaluationSummary(grid: grid, records: records)
    #expect(summary.done == 4 && summary.total == 32)
    #expect(summary.rows.count == 1)
    let row = try #require(summary.rows.first)
    #expect(row.method == "pgd" && row.eps == 8 && row.count == 4 && row.successes == 3)
    #expect(row.successRate == 0.75)
    let interval = WilsonInterval(successes: 3, trials: 4)
    #expect(row.successLower == interval.lower && row.successUpper == interval.upper)
    // Distances 0.7, 0.7, 0.7, 0.4: median 0.7; seconds 0...3: median 1.5.
    #expect(row.medianDistanceAfter == 0.7 && row.medianSeconds == 1.5)
    #expect(row.medianPSNR == 34.5 && row.medianProbabilityAfter == nil)
  }

  @Test func classifierCellsAreJudgedByTheGoalsClass() {
    let cell = EvaluationGridTests.grid(photos: 1).cells[0]
    var record = Self.record(cell, success: true)
    record.before = .init(predictions: [.init(index: 3, label: "Ann", probability: 0.9)])
    record.after = .init(predictions: [
      .init(index: 5, label: "Bob", probability: 0.6),
      .init(index: 3, label: "Ann", probability: 0.2),
    ])
    #expect(record.probabilityAfter(goal: "untargeted") == 0.2)
    #expect(record.probabilityAfter(goal: "target:Bob") == 0.6)
    #expect(record.probabilityAfter(goal: "target:Cy") == 0)
    #expect(Self.record(cell, success: true).probabilityAfter(goal: "dodge") == nil)
  }
}
