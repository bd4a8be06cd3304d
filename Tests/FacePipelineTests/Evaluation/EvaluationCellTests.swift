import FacePipeline
import Foundation
import Testing

struct EvaluationCellTests {
  @Test func stableHashIsFNV1a() {
    // Published FNV-1a 64 test vectors.
    #expect(StableHash.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
    #expect(StableHash.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
    #expect(StableHash.fnv1a64("foobar") == 0x8594_4171_f739_67e8)
  }

  static let cell = EvaluationCell(
    photoSHA256: String(repeating: "ab", count: 32), method: "pgd", epsilon: 8, eotSamples: 0)

  @Test func aCellsKeyHashAndShardAreFixed() throws {
    #expect(Self.cell.key == String(repeating: "ab", count: 32) + " pgd eps=8.0 eot=0")
    #expect(Self.cell.stableHash == StableHash.fnv1a64(Self.cell.key))
    // The shard a cell falls in is part of the on-disk contract: pinned.
    let shard = Int(Self.cell.stableHash % 3) + 1
    #expect(try EvaluationShard(index: shard, count: 3).contains(Self.cell))
    #expect(
      try (1...3).filter { try EvaluationShard(index: $0, count: 3).contains(Self.cell) }
        == [shard])
  }

  @Test func shardsSplitCellsEvenlyAndDisjointly() throws {
    let grid = EvaluationGridTests.grid(photos: 10)
    let shards = try (1...3).map { try EvaluationShard(index: $0, count: 3) }
    var seen: [EvaluationCell: Int] = [:]
    for shard in shards {
      let mine = grid.cells.filter(shard.contains)
      // 80 cells over 3 shards: a stable hash spreads them within a few of 80 / 3 each.
      #expect((18...36).contains(mine.count), "shard \(shard): \(mine.count) cells")
      for cell in mine { seen[cell, default: 0] += 1 }
    }
    #expect(seen.count == grid.cells.count && seen.values.allSatisfy { $0 == 1 })
  }

  @Test func aCellsSeedDependsOnTheGridSeedAndTheCellOnly() {
    let other = EvaluationCell(
      photoSHA256: Self.cell.photoSHA256, method: "pgd", epsilon: 4, eotSamples: 0)
    #expect(Self.cell.seed(gridSeed: 1) == Self.cell.seed(gridSeed: 1))
    #expect(Self.cell.seed(gridSeed: 1) != Self.cell.seed(gridSeed: 2))
    #expect(Self.cell.seed(gridSeed: 1) != other.seed(gridSeed: 1))
  }

  @Test(arguments: [(0, 3), (4, 3), (1, 0), (-1, 2)])
  func invalidShardsAreRefusedNamingTheParameter(index: Int, count: Int) {
    #expect(throws: PipelineError.self) { try EvaluationShard(index: index, count: count) }
    do {
      _ = try EvaluationShard(index: index, count: count)
    } catch {
      #expect(error.description.contains("shard"))
    }
  }

  @Test func cellFilesAreNamedByShard() throws {
    #expect(EvaluationShard.all.cellFileName == "cells.jsonl")
    #expect(try EvaluationShard(index: 2, count: 5).cellFileName == "cells.2-of-5.jsonl")
  }
}

struct WilsonIntervalTests {
  @Test(arguments: [
    // successes, trials, lower, upper: the Wilson score interval at 95 % (z = 1.95996).
    (0, 10, 0.0, 0.27753), (5, 10, 0.23659, 0.76341), (10, 10, 0.72247, 1.0),
    (1, 4, 0.04559, 0.69936), (45, 50, 0.78641, 0.95652),
  ])
  func matchesTheClosedForm(successes: Int, trials: Int, lower: Double, upper: Double) {
    let interval = WilsonInterval(successes: successes, trials: trials)
    #expect(abs(interval.lower - lower) < 1e-4, "lower \(interval.lower)")
    #expect(abs(interval.upper - upper) < 1e-4, "upper \(interval.upper)")
  }

  @Test func noTrialsMeansNothingIsKnown() {
    let interval = WilsonInterval(successes: 0, trials: 0)
    #expect(interval.lower == 0 && interval.upper == 1)
  }
}
