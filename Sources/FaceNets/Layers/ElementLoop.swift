import FaceTensor

/// Splits big element loops over `ComputeThreads.count` threads and runs small ones inline.
enum ElementLoop {
  /// Below this many elements a loop runs on the calling thread (fork/join would cost more).
  static let parallelThreshold = 1 << 15

  /// Calls `body` with disjoint, contiguous chunks covering `0..<count`; `work` is the number of
  /// elements touched (decides whether to split).
  @inline(__always)
  static func forEachChunk(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
    if work < parallelThreshold || ComputeThreads.count == 1 {
      if count > 0 { body(0..<count) }
    } else {
      Parallel.forEachChunk(of: count, body)
    }
  }
}
