import Dispatch
import Synchronization

/// The number of threads the library splits its work over (GEMM halves, batch images, element
/// loops).
///
/// Defaults to the number of active processors; the `FACEADVERSARY_THREADS` environment
/// variable or `ComputeThreads.set(_:)` change it.
public enum ComputeThreads {
  private static let storage = Atomic<Int>(defaultCount())

  /// The current thread count (at least 1).
  public static var count: Int { storage.load(ordering: .relaxed) }

  /// Sets the thread count used by subsequent calls (values below 1 become 1).
  public static func set(_ newCount: Int) { storage.store(max(1, newCount), ordering: .relaxed) }

  private static func defaultCount() -> Int {
    if let text = ProcessEnvironment.value(of: "FACEADVERSARY_THREADS"), let n = Int(text), n > 0 {
      return n
    }
    return max(1, ProcessEnvironment.activeProcessorCount)
  }
}

/// A pointer that may cross into the closures of `Parallel`: the caller guarantees that the
/// threads touch disjoint memory (or only read).
public struct UnsafeSendable<Pointer>: @unchecked Sendable {
  /// The wrapped pointer (or other non-`Sendable` value, such as a closure).
  public let pointer: Pointer
  /// Wraps `pointer`; the caller takes on the guarantee stated on the type.
  @inlinable public init(_ pointer: Pointer) { self.pointer = pointer }
}

/// Fork/join parallel loops over contiguous chunks of an index range.
public enum Parallel {
  /// Calls `body` once per chunk of `0..<count`, the chunks disjoint, contiguous and covering the
  /// range, at most `chunks` of them, run concurrently.
  ///
  /// Returns when all have finished.
  ///
  /// The chunks run on `WorkerPool.shared` (persistent threads that wake at once) when it is free,
  /// else on `DispatchQueue.concurrentPerform`.
  ///
  /// - Parameters:
  ///   - alignment: chunk boundaries (except the last) are multiples of this.
  ///   - body: must only write memory that no other chunk writes.
  public static func forEachChunk(
    of count: Int, chunks: Int = ComputeThreads.count, alignment: Int = 1,
    _ body: (Range<Int>) -> Void
  ) {
    guard count > 0 else { return }
    let ranges = split(count, into: chunks, alignment: alignment)
    if ranges.count == 1 {
      body(ranges[0])
      return
    }
    if ranges.count <= WorkerPool.maximumShares,
      WorkerPool.shared.run(shares: ranges.count, { body(ranges[$0]) })
    {
      return
    }
    withoutActuallyEscaping(body) { body in
      let task = UnsafeSendable(body)
      DispatchQueue.concurrentPerform(iterations: ranges.count) { i in
        task.pointer(ranges[i])
      }
    }
  }

  /// Calls `body(i)` for every `i` in `0..<count`, spreading the indices over the threads.
  public static func forEach(
    _ count: Int, chunks: Int = ComputeThreads.count, _ body: (Int) -> Void
  ) {
    forEachChunk(of: count, chunks: min(chunks, count)) { range in
      for i in range { body(i) }
    }
  }

  /// Splits `0..<count` into at most `parts` contiguous ranges of nearly equal size whose inner
  /// boundaries are multiples of `alignment`.
  static func split(_ count: Int, into parts: Int, alignment: Int) -> [Range<Int>] {
    let blocks = (count + alignment - 1) / alignment
    let parts = max(1, min(parts, blocks))
    var ranges: [Range<Int>] = []
    ranges.reserveCapacity(parts)
    var start = 0
    for p in 0..<parts {
      let endBlock = (blocks * (p + 1)) / parts
      let end = min(count, endBlock * alignment)
      if end > start { ranges.append(start..<end) }
      start = end
    }
    return ranges
  }
}
