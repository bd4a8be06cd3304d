import FaceTensor
import FaceTestSupport
import Foundation

/// Times `body` over enough runs to take about 0.3 s (5 to 200 runs, after one warm-up run): thread
/// CPU time when the library runs on one thread (steady on a shared machine), else wall time.
func time(_ body: () -> Void) -> Timing {
  let singleThreaded = ComputeThreads.count == 1
  let first = BenchmarkClock.milliseconds(singleThreaded: singleThreaded, body)
  let runs = min(200, max(5, Int(300 / max(first, 0.01))))
  return BenchmarkClock.measure(repetitions: runs, warmup: 1, singleThreaded: singleThreaded, body)
}

extension Timing {
  /// GFLOP/s at the median for `flops` floating-point operations per run.
  func gflops(_ flops: Double) -> Double { flops / (median * 1e6) }
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
