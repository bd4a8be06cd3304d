import CPeakProbe
import FaceTensor
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Timings of repeated runs of one piece of work, in milliseconds.
public struct Timing: Sendable, CustomStringConvertible {
  /// Every run's duration, in run order.
  public let samples: [Double]

  /// Wraps run durations in milliseconds, in run order.
  ///
  /// - Precondition: `samples` is not empty.
  public init(samples: [Double]) {
    precondition(!samples.isEmpty, "[Timing] no samples")
    self.samples = samples
  }

  /// The fastest run.
  public var minimum: Double { samples.min()! }
  /// The median run.
  public var median: Double {
    let sorted = samples.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  }

  /// The fastest and median run in milliseconds and the run count.
  ///
  /// For example `min 1.250 ms, median 1.300 ms (10 runs)`.
  public var description: String {
    String(format: "min %.3f ms, median %.3f ms (%d runs)", minimum, median, samples.count)
  }
}

/// Clocks and process statistics for benchmarks.
public enum BenchmarkClock {
  /// Seconds of CPU time consumed by the calling thread (`CLOCK_THREAD_CPUTIME_ID`).
  public static func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
  }

  /// Seconds on a monotonic wall clock.
  public static func wallSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
  }

  /// Milliseconds `body` takes on the wall clock.
  public static func wallMilliseconds(_ body: () -> Void) -> Double {
    let start = wallSeconds()
    body()
    return (wallSeconds() - start) * 1000
  }

  /// Milliseconds `body` takes: for single-threaded work the smaller of thread CPU time and wall
  /// time (robust to other processes on a shared machine), for multi-threaded work wall time.
  public static func milliseconds(singleThreaded: Bool, _ body: () -> Void) -> Double {
    let cpu0 = threadCPUSeconds()
    let wall0 = wallSeconds()
    body()
    let wall = (wallSeconds() - wall0) * 1000
    guard singleThreaded else { return wall }
    return min(wall, (threadCPUSeconds() - cpu0) * 1000)
  }

  /// Runs `body` `warmup` times untimed, then `repetitions` times timed.
  public static func measure(
    repetitions: Int = 5, warmup: Int = 1, singleThreaded: Bool, _ body: () -> Void
  ) -> Timing {
    for _ in 0..<warmup { body() }
    return Timing(
      samples: (0..<repetitions).map { _ in milliseconds(singleThreaded: singleThreaded, body) })
  }

  /// The process's peak resident set size in MiB (`VmHWM` of /proc/self/status).
  public static func peakResidentMiB() -> Double { procStatusKiB("VmHWM") / 1024 }

  /// The process's current resident set size in MiB (`VmRSS` of /proc/self/status).
  public static func residentMiB() -> Double { procStatusKiB("VmRSS") / 1024 }

  private static func procStatusKiB(_ field: String) -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
      return .nan
    }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
      let number = line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }
      ).first
      return number.flatMap { Double($0) } ?? .nan
    }
    return .nan
  }
}

/// The first lines every benchmark prints: what ran, on which OpenBLAS kernels, with which threads.
public enum BenchmarkReport {
  /// This machine's single-core FMA peak in GFLOP/s, measured once (about 0.3 s) with the widest
  /// vector unit the CPU has, and that width in bits (512 for AVX-512, 256 for AVX2).
  public static let measuredPeak: (gflopsPerCore: Double, vectorBits: Int) = {
    var bits: Int32 = 0
    let gflops = fa_fma_peak_gflops(300, &bits)
    return (gflops, Int(bits))
  }()

  /// Prints the benchmark's name, the OpenBLAS kernel and configuration, the thread settings and
  /// whether OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set (benchmarks never change them).
  public static func printHeader(_ name: String) {
    let environment = ProcessInfo.processInfo.environment
    let coreType =
      environment["OPENBLAS_CORETYPE"].map { "OPENBLAS_CORETYPE=\($0)" }
      ?? "OPENBLAS_CORETYPE unset"
    let l2 =
      environment["OPENBLAS_L2_SIZE"].map { "OPENBLAS_L2_SIZE=\($0)" } ?? "OPENBLAS_L2_SIZE unset"
    print("== \(name)")
    print("OpenBLAS kernel: \(BLAS.coreName)  (\(coreType), \(l2))")
    print("OpenBLAS config: \(BLAS.configuration)")
    print(
      "threads: \(ComputeThreads.count) Swift compute threads, OpenBLAS \(BLAS.openBLASThreadCount) thread(s)"
    )
    let peak = measuredPeak
    print(
      String(
        format:
          "measured FMA peak: %.1f GFLOP/s per core with %d-bit vectors (%.1f for all %d cores)",
        peak.gflopsPerCore, peak.vectorBits,
        peak.gflopsPerCore * Double(ProcessEnvironmentInfo.cores),
        ProcessEnvironmentInfo.cores))
  }

  /// The first three fields of `/proc/loadavg` (the 1, 5 and 15 minute load averages), or "?"
  /// when it cannot be read.
  public static func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else {
      return "?"
    }
    return text.split(separator: " ").prefix(3).joined(separator: " ")
  }
}

/// The processor count benchmarks report.
enum ProcessEnvironmentInfo {
  static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }
}
