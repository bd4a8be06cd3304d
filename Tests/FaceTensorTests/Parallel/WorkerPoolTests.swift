import Dispatch
import Foundation
import Synchronization
import Testing

@testable import FaceTensor

/// The worker pool behind `Parallel.forEachChunk`: every share runs exactly once, shares really
/// run at the same time, sleeping workers wake up, and busy or nested calls are refused so that
/// the caller can run them another way.
struct WorkerPoolTests {
  /// Runs `pool` with `shares` shares that count how often each one ran.
  private static func runCounting(_ pool: WorkerPool, shares: Int) -> (ran: Bool, counts: [Int]) {
    let counts = Mutex([Int](repeating: 0, count: shares))
    let ran = pool.run(shares: shares) { share in counts.withLock { $0[share] += 1 } }
    return (ran, counts.withLock { $0 })
  }

  @Test func everyShareRunsOnceOverManyJobs() {
    let pool = WorkerPool(workerCount: 2)
    for job in 0..<3000 {
      let shares = 1 + job % 7
      let (ran, counts) = Self.runCounting(pool, shares: shares)
      #expect(ran)
      #expect(counts == Array(repeating: 1, count: shares), "job \(job)")
      // Now and then idle past the polling time, so that the workers sleep and must be woken.
      if job % 500 == 499 { Thread.sleep(forTimeInterval: 0.002) }
    }
  }

  @Test func sharesRunAtTheSameTime() {
    // Share 0 waits until share 1 has started: only a worker can start it while the caller is
    // inside share 0, so a pool that ran its shares one after another would time out here.
    let pool = WorkerPool(workerCount: 1)
    Thread.sleep(forTimeInterval: 0.002)  // Let the worker fall asleep first.
    let started = DispatchSemaphore(value: 0)
    let met = Atomic<Bool>(false)
    let ran = pool.run(shares: 2) { share in
      if share == 0 {
        met.store(started.wait(timeout: .now() + 10) == .success, ordering: .relaxed)
      } else {
        started.signal()
      }
    }
    #expect(ran)
    let rendezvous = met.load(ordering: .relaxed)
    #expect(rendezvous)
  }

  @Test func aCallFromInsideAJobIsRefused() {
    let pool = WorkerPool(workerCount: 1)
    let inner = Atomic<Int>(0)
    let ran = pool.run(shares: 2) { _ in
      if !pool.run(shares: 1, { _ in }) { inner.add(1, ordering: .relaxed) }
    }
    #expect(ran)
    let refused = inner.load(ordering: .relaxed)
    #expect(refused == 2)
  }

  @Test func aPoolWithoutWorkersRefusesEveryJob() {
    #expect(!Self.runCounting(WorkerPool(workerCount: 0), shares: 2).ran)
  }

  @Test func forEachChunkCoversEveryIndexFromManyThreadsAndNestedCalls() {
    // Four callers at once, each with a nested loop: one at a time gets the shared pool, the
    // others (and every nested call) run on Dispatch; every index is visited exactly once.
    let count = 1000
    let outer = Mutex([Int](repeating: 0, count: 4 * count))
    let nested = Mutex([Int](repeating: 0, count: 4 * 2 * count))
    DispatchQueue.concurrentPerform(iterations: 4) { caller in
      for round in 0..<50 {
        Parallel.forEachChunk(of: count, chunks: 2) { range in
          if round == 0 {
            outer.withLock { for i in range { $0[caller * count + i] += 1 } }
          }
          guard round == 1, range.lowerBound == 0 else { return }
          Parallel.forEachChunk(of: 2 * count, chunks: 3) { inner in
            nested.withLock { for i in inner { $0[caller * 2 * count + i] += 1 } }
          }
        }
      }
    }
    #expect(outer.withLock { $0 } == Array(repeating: 1, count: 4 * count))
    #expect(nested.withLock { $0 } == Array(repeating: 1, count: 4 * 2 * count))
  }
}
