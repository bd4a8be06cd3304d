import Foundation

/// One attack of an evaluation: a photo, a method, a budget and an EOT setting.
///
/// The photo is named by the SHA-256 of its bytes. A cell's key, shard and seed depend on nothing else, so a cell gives the same
/// result wherever and whenever it runs.
public struct EvaluationCell: Hashable, Codable, Sendable, CustomStringConvertible {
  /// Lower-case hex SHA-256 of the photo file.
  public let photoSHA256: String
  /// The attack method's name (`AttackMethod.rawValue`).
  public let method: String
  /// The L-inf budget, in pixel levels of 0...255.
  public let epsilon: Double
  /// Samples per gradient for expectation over transformation (0: none).
  public let eotSamples: Int

  /// A cell from its four coordinates.
  public init(photoSHA256: String, method: String, epsilon: Double, eotSamples: Int) {
    self.photoSHA256 = photoSHA256
    self.method = method
    self.epsilon = epsilon
    self.eotSamples = eotSamples
  }

  /// The cell's identity as text: `SHA256 METHOD eps=E eot=K` (E as Swift prints a `Double`).
  public var key: String { "\(photoSHA256) \(method) eps=\(epsilon) eot=\(eotSamples)" }

  /// `StableHash.fnv1a64(key)`.
  public var stableHash: UInt64 { StableHash.fnv1a64(key) }

  /// The cell's attack seed: the grid's seed mixed with the cell's hash (SplitMix64's first
  /// output), never the shard's.
  public func seed(gridSeed: UInt64) -> UInt64 {
    var generator = SplitMix64(seed: gridSeed ^ stableHash)
    return generator.next()
  }

  /// `PHOTO-DIGEST-PREFIX METHOD eps E eot K`, for messages.
  public var description: String {
    "\(photoSHA256.prefix(12)) \(method) eps \(epsilon) eot \(eotSamples)"
  }
}

/// One of `count` disjoint parts of an evaluation's cells (`K/N` on the command line).
///
/// A shard holds the cells whose stable hash modulo `count` is `index - 1`. Cells, not photos, are split, so shards stay
/// even when photos are few.
public struct EvaluationShard: Sendable, Equatable, CustomStringConvertible {
  /// 1-based shard number, `1...count`.
  public let index: Int
  /// The number of shards.
  public let count: Int

  /// All cells in one shard.
  public static let all = EvaluationShard(uncheckedIndex: 1, count: 1)

  /// - Throws: `PipelineError.invalidOption` (parameter `shard`) unless `1 <= index <= count`.
  public init(index: Int, count: Int) throws(PipelineError) {
    guard count >= 1, (1...count).contains(index) else {
      throw .invalidOption(
        name: "shard", value: "\(index)/\(count)", rule: "K/N with N >= 1 and 1 <= K <= N")
    }
    self.init(uncheckedIndex: index, count: count)
  }

  private init(uncheckedIndex index: Int, count: Int) {
    self.index = index
    self.count = count
  }

  /// Whether `cell` belongs to this shard.
  public func contains(_ cell: EvaluationCell) -> Bool {
    Int(cell.stableHash % UInt64(count)) == index - 1
  }

  /// The name of this shard's cell file: `cells.jsonl` unsharded, else `cells.K-of-N.jsonl`.
  public var cellFileName: String {
    count == 1 ? "cells.jsonl" : "cells.\(index)-of-\(count).jsonl"
  }

  /// `K/N`.
  public var description: String { "\(index)/\(count)" }
}
