import FacePipeline

/// One of `count` disjoint parts of a batch of images, for splitting a large set over the tasks of
/// a cluster job array: `--shard K/N` keeps the images whose stable path hash modulo `N` is `K-1`.
///
/// The hash is 64-bit FNV-1a of the path's UTF-8 bytes exactly as the image was named (a file
/// argument as typed, a directory's entries as `DIR/NAME`), so every machine given the same
/// arguments assigns every image to the same shard, whatever its process or platform.
struct Shard: Sendable, Equatable, CustomStringConvertible {
  /// 1-based shard number, `1...count`.
  let index: Int
  /// The number of shards.
  let count: Int

  /// - Throws: `BatchError.invalidShard` unless `1 <= index <= count`.
  init(index: Int, count: Int) throws {
    guard count >= 1, (1...count).contains(index) else {
      throw BatchError.invalidShard("\(index)/\(count)")
    }
    self.init(checkedIndex: index, count: count)
  }

  private init(checkedIndex index: Int, count: Int) {
    self.index = index
    self.count = count
  }

  /// Parses `K/N`.
  /// - Throws: `BatchError.invalidShard` for anything else or a K outside `1...N`.
  init(parsing text: String) throws {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
      throw BatchError.invalidShard(text)
    }
    try self.init(index: k, count: n)
  }

  /// Every image in one shard.
  static let all = Shard(checkedIndex: 1, count: 1)

  /// Whether the image named `path` belongs to this shard.
  func contains(_ path: String) -> Bool {
    Int(StableHash.fnv1a64(path) % UInt64(count)) == index - 1
  }

  var description: String { "\(index)/\(count)" }
}
