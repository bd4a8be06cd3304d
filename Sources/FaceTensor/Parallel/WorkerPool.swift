import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Persistent worker threads for `Parallel.forEachChunk`, woken within about a microsecond.
///
/// A network's layers hand out many small parallel jobs (one 3x3 convolution of a 150x150 face
/// chip takes 0.1-0.4 ms): `DispatchQueue.concurrentPerform` needs tens of microseconds to wake
/// its threads, which on such jobs costs more than the second core saves. Here an idle worker
/// keeps polling for the next job for `spinDuration` and only then sleeps on a semaphore, so the
/// next layer's job starts on all cores at once.
///
/// A job is a number of shares. The caller and the workers claim shares one at a time, so when
/// a worker is not running (another process has its core, or it is still waking) the caller
/// runs the remaining shares itself instead of waiting for it.
///
/// One job runs at a time: a call made while the pool is busy (from another thread, or from
/// inside a job) returns `false` and the caller runs the job another way.
final class WorkerPool: @unchecked Sendable {
  /// How long an idle worker polls for the next job before it sleeps.
  static let spinDuration = Duration.microseconds(100)
  /// The most shares one job may have.
  static let maximumShares = Int(UInt16.max)

  /// The pool for `ComputeThreads.count` threads (the caller and `count - 1` workers), made on
  /// first use with the count of that moment.
  static let shared = WorkerPool(workerCount: ComputeThreads.count - 1)

  /// The number of worker threads.
  let workerCount: Int
  /// Held while a job runs.
  private let busy = Atomic<Bool>(false)
  /// The current job's generation (high 32 bits), share count (next 16) and next unclaimed share.
  ///
  /// The low 16 bits are that share. Workers wait for the generation to change, then claim shares.
  private let ticket = Atomic<UInt64>(0)
  /// Shares of the current job finished by the workers.
  private let finishedByWorkers = Atomic<Int>(0)
  /// Per worker, how it sleeps.
  private let beds: [Bed]
  /// The current job, called with a share index.
  ///
  /// Written only while no worker can claim a share, before `ticket` publishes it; read by a
  /// worker only after it claimed a share of it.
  private var job: UnsafeSendable<(Int) -> Void>?

  init(workerCount: Int) {
    self.workerCount = max(0, workerCount)
    beds = (0..<self.workerCount).map { _ in Bed() }
    for index in 0..<self.workerCount {
      let thread = Thread { [self] in self.work(as: index) }
      thread.name = "FaceTensor worker \(index + 1)"
      thread.start()
    }
  }

  /// Runs `share(0)`, ..., `share(shares - 1)` on the calling thread and the workers, each once,
  /// and returns when all have finished; `false` (nothing run) when the pool is busy or has no
  /// workers.
  /// - Precondition: `1 <= shares <= maximumShares`.
  func run(shares: Int, _ share: (Int) -> Void) -> Bool {
    precondition(shares >= 1 && shares <= Self.maximumShares, "[WorkerPool] \(shares) shares")
    guard workerCount > 0,
      busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    else { return false }
    withoutActuallyEscaping(share) { share in
      job = UnsafeSendable(share)
      finishedByWorkers.store(0, ordering: .relaxed)
      let generation = Self.generation(of: ticket.load(ordering: .relaxed)) &+ 1
      // Share 0 is the caller's: publish with the next unclaimed share at 1.
      ticket.store(
        UInt64(generation) << 32 | UInt64(shares) << 16 | 1, ordering: .sequentiallyConsistent)
      for bed in beds
      where bed.sleeping.compareExchange(
        expected: true, desired: false, ordering: .sequentiallyConsistent
      ).exchanged {
        bed.wakeUp.signal()
      }
      share(0)
      var finishedHere = 1
      while let index = claimShare(of: generation) {
        share(index)
        finishedHere += 1
      }
      var polls = 0
      while finishedByWorkers.load(ordering: .acquiring) + finishedHere < shares {
        polls += 1
        if polls % 1024 == 0 { sched_yield() }  // A worker that claimed a share lost its core.
      }
      job = nil
    }
    busy.store(false, ordering: .releasing)
    return true
  }

  private static func generation(of ticket: UInt64) -> UInt32 {
    UInt32(truncatingIfNeeded: ticket >> 32)
  }

  /// Claims the next unclaimed share of job `generation`, or nil when there is none (all claimed,
  /// or that job is over).
  private func claimShare(of generation: UInt32) -> Int? {
    var current = ticket.load(ordering: .acquiring)
    while true {
      let shares = Int(current >> 16 & 0xFFFF)
      let next = Int(current & 0xFFFF)
      guard Self.generation(of: current) == generation, next < shares else { return nil }
      let (exchanged, original) = ticket.compareExchange(
        expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
      if exchanged { return next }
      current = original
    }
  }

  /// Worker `index`'s loop: wait for a new job, claim and run its shares.
  private func work(as index: Int) {
    var seen: UInt32 = 0  // The generation at creation (not a load: a job may be published).
    while true {
      waitForJob(after: seen, as: index)
      seen = Self.generation(of: ticket.load(ordering: .acquiring))
      while let share = claimShare(of: seen) {
        job?.pointer(share)
        finishedByWorkers.add(1, ordering: .releasing)
      }
    }
  }

  /// Polls for a generation after `seen` for `spinDuration`, then sleeps until `run` wakes this
  /// worker.
  private func waitForJob(after seen: UInt32, as index: Int) {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: Self.spinDuration)
    var polls = 0
    while Self.generation(of: ticket.load(ordering: .acquiring)) == seen {
      polls += 1
      guard polls % 256 == 0, clock.now >= deadline else { continue }
      let bed = beds[index]
      bed.sleeping.store(true, ordering: .sequentiallyConsistent)
      if Self.generation(of: ticket.load(ordering: .sequentiallyConsistent)) != seen,
        bed.sleeping.compareExchange(
          expected: true, desired: false, ordering: .sequentiallyConsistent
        ).exchanged
      {
        return  // A job came before `run` saw this worker asleep: no signal is on its way.
      }
      // `run` cleared the flag and signals (or will): wait for it, or for the next job.
      bed.wakeUp.wait()
      return
    }
  }

  /// Where a worker sleeps: `sleeping` is true while it sleeps (or is about to) on `wakeUp`.
  private final class Bed: Sendable {
    let sleeping = Atomic<Bool>(false)
    let wakeUp = DispatchSemaphore(value: 0)
  }
}
