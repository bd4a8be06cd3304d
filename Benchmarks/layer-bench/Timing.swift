import FaceTensor
import Foundation

/// Median and minimum time of repeated runs, in milliseconds: wall-clock, or (with
/// `Timing.useThreadCPUTime`, for one-thread runs on a shared machine) the calling thread's CPU
/// time, which other processes' load does not inflate.
struct Timing {
  let median: Double
  let minimum: Double

  /// Measure the calling thread's CPU time instead of wall-clock time (set when the library runs
  /// on one thread, so all work happens on the calling thread).
  nonisolated(unsafe) static var useThreadCPUTime = false

  /// Runs `body` twice to warm up, then until `minimumRuns` runs and `budget` seconds have passed
  /// (at most `maximumRuns`).
  static func measure(
    minimumRuns: Int = 5, maximumRuns: Int = 200, budget: Double = 0.3, _ body: () -> Void
  ) -> Timing {
    body()
    body()
    let clock = ContinuousClock()
    var samples: [Double] = []
    let start = clock.now
    while samples.count < minimumRuns
      || (samples.count < maximumRuns && (clock.now - start) < .milliseconds(Int(budget * 1000)))
    {
      if useThreadCPUTime {
        let t0 = threadCPUMilliseconds()
        body()
        samples.append(threadCPUMilliseconds() - t0)
      } else {
        let t0 = clock.now
        body()
        samples.append(milliseconds(clock.now - t0))
      }
    }
    samples.sort()
    return Timing(median: samples[samples.count / 2], minimum: samples[0])
  }

  private static func milliseconds(_ d: Duration) -> Double {
    let (seconds, attoseconds) = d.components
    return Double(seconds) * 1e3 + Double(attoseconds) * 1e-15
  }

  private static func threadCPUMilliseconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) * 1e-6
  }

  /// GFLOP/s at the median for `flops` floating-point operations per run.
  func gflops(_ flops: Double) -> Double { flops / (median * 1e6) }
}

/// The peak resident set size of this process (`VmHWM` in /proc/self/status), in MiB.
func peakResidentMiB() -> Int {
  guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
  for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
    let fields = line.split(separator: " ")
    if fields.count >= 2, let kib = Int(fields[1]) { return kib / 1024 }
  }
  return -1
}

/// Right-aligns `value` formatted with `decimals` in `width` columns.
func column(_ value: Double, _ decimals: Int = 2, width: Int = 8) -> String {
  let text = String(format: "%.\(decimals)f", value)
  return String(repeating: " ", count: max(0, width - text.count)) + text
}

/// Pads `text` on the right to `width` columns.
func pad(_ text: String, _ width: Int) -> String {
  text + String(repeating: " ", count: max(0, width - text.count))
}
