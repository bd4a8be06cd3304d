// model-bench: keras-vggface ResNet-50 (VGGFaceModel, full size: the real file layout from
// ../shared/fixtures/vggface2-resnet50-h5-manifest.json with seeded random weights, BatchNorm
// folded) forward and forward + input gradient at batch 1 and 8, with where the time goes and the
// peak memory of an attack-style loop; ratios against ../shared/docs/peer-figures.md.
//
//   swift run -c release model-bench                 # the environment as it is
//   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE swift run -c release model-bench
//
// FLOPs: 2·M·N·K per convolution (M = N·OH·OW, N = OC, K = KH·KW·C) and 2·in·out for the
// classifier, per pass; the input gradient costs the same again. Times: wall clock with all
// compute threads; the 1-thread rows use the calling thread's CPU time (robust to other load).

import FaceNets
import FaceTensor
import FaceTestSupport
import Foundation

BenchmarkReport.printHeader("model-bench: keras-vggface ResNet-50, 224x224")
print("load average at start: \(BenchmarkReport.loadAverage())")

let manifestURL = SharedData.url("fixtures/vggface2-resnet50-h5-manifest.json")
guard FileManager.default.fileExists(atPath: manifestURL.path) else {
  print("model-bench needs \(manifestURL.path) (set \(SharedData.environmentVariable))")
  exit(1)
}
let model = try ModelBench.resNet50(manifest: manifestURL)
let peakAfterLoading = BenchmarkClock.peakResidentMiB()
let residentWithModel = BenchmarkClock.residentMiB()
let convolutions = ModelBench.convolutions(of: model.network, batch: 1)
let flopsPerImage = Double(convolutions.reduce(0) { $0 + $1.geometry.flops }) + 2 * 2048 * 8631
print(
  String(
    format: "model: %d layers, %.2f GFLOP per image and pass", model.network.layerNames.count,
    flopsPerImage / 1e9))

var generator = SplitMix64(seed: 8)
let batch1 = generator.uniformTensor([1, 224, 224, 3], in: 0...255)
let batch8 = generator.uniformTensor([8, 224, 224, 3], in: 0...255)
func seed(_ n: Int) -> Tensor { Tensor(repeating: 1 / 8631, shape: [n, 8631]) }

func forwardAndGradient(_ x: Tensor) {
  let (logits, pullback) = model.logitsWithPullback(for: x)
  _ = pullback(logits.softmax() - seed(x.shape[0]))
}

print("\n\(ComputeThreads.count) compute threads (wall clock; median, min over the runs)")
var rows: [(String, Timing, Double)] = []
rows.append(
  (
    "forward, batch 1",
    BenchmarkClock.measure(repetitions: 15, warmup: 2, singleThreaded: false) {
      _ = model.logits(for: batch1)
    }, flopsPerImage
  ))
rows.append(
  (
    "forward, batch 8",
    BenchmarkClock.measure(repetitions: 5, warmup: 1, singleThreaded: false) {
      _ = model.logits(for: batch8)
    }, 8 * flopsPerImage
  ))
rows.append(
  (
    "forward + input gradient, batch 1",
    BenchmarkClock.measure(repetitions: 15, warmup: 2, singleThreaded: false) {
      forwardAndGradient(batch1)
    }, 2 * flopsPerImage
  ))
rows.append(
  (
    "forward + input gradient, batch 8",
    BenchmarkClock.measure(repetitions: 5, warmup: 1, singleThreaded: false) {
      forwardAndGradient(batch8)
    }, 16 * flopsPerImage
  ))
for (label, timing, flops) in rows { ModelBench.printRow(label, timing, flops: flops) }

let peers = ModelBench.peerFigures()
print(
  "\nratios (ours / peer, per image; below 1 is faster), peers from ../shared/docs/peer-figures.md:"
)
for (label, timing, _) in rows {
  let images = label.hasSuffix("batch 8") ? 8.0 : 1.0
  guard let peer = peers[ModelBench.peerRow(for: label)] else { continue }
  let ours = timing.median / images
  func versus(_ name: String, _ figure: Double?) -> String {
    figure.map { String(format: "%@ %.1f ms (%.2fx)", name, $0, ours / $0) } ?? "\(name) -"
  }
  print(
    "  \(label.padding(toLength: 36, withPad: " ", startingAt: 0)) ours \(String(format: "%.1f", ours)) ms  "
      + "\(versus("PyTorch", peer.pytorch))  \(versus("TensorFlow", peer.tensorflow))"
      + (label.hasSuffix("batch 8") && peer.tensorflow == nil
        ? " (PyTorch's row: one PGD step)" : ""))
}
print(
  String(
    format:
      "batch 8 per image against batch 1: forward %.2fx (target <= 0.95), forward + input "
      + "gradient %.2fx (target <= 1.00)", rows[1].1.median / 8 / rows[0].1.median,
    rows[3].1.median / 8 / rows[2].1.median))
let haswellClass = ["Haswell", "Zen"].contains(BLAS.coreName)
let targets = haswellClass ? (45.0, 95.0) : (25.0, 50.0)
print(
  String(
    format:
      "targets with %@ kernels: forward batch 1 <= %.0f ms (%@), forward + input gradient batch 1 <= %.0f ms (%@)",
    haswellClass ? "AVX2 (Haswell/Zen)" : "AVX-512", targets.0,
    rows[0].1.median <= targets.0 ? "met" : "NOT met",
    targets.1, rows[2].1.median <= targets.1 ? "met" : "NOT met"))

// MARK: - Where the time goes (batch 1 and 8)

let convolutionFLOPs = Double(convolutions.reduce(0) { $0 + $1.geometry.flops })
func printBreakdown(_ parts: ModelBench.ConvolutionParts, threads: Int, batch: Int = 1) {
  let images = batch == 1 ? batch1 : batch8
  print(
    "where the time goes, batch \(batch), \(threads) thread(s): forward and forward + input "
      + "gradient timed in alternation with each convolution part alone at every convolution's "
      + "shape (summed); the rest = total minus those (medians of \(batch == 1 ? 7 : 3) rounds):")
  ModelBench.printBreakdown(
    ModelBench.breakdown(
      parts, threads: threads, rounds: batch == 1 ? 7 : 3,
      forward: { _ = model.logits(for: images) },
      step: { forwardAndGradient(images) }),
    flops: convolutionFLOPs * Double(batch), pointwise: parts.pointwiseCount,
    convolutions: convolutions.count)
}
// The part buffers are released before the memory measurement.
do {
  print("")
  printBreakdown(
    ModelBench.ConvolutionParts(ModelBench.convolutions(of: model.network, batch: 8)),
    threads: ComputeThreads.count, batch: 8)
  let parts = ModelBench.ConvolutionParts(convolutions)
  printBreakdown(parts, threads: ComputeThreads.count)

  // MARK: - One thread

  ComputeThreads.set(1)
  print("\n1 compute thread (calling thread's CPU time)")
  ModelBench.printRow(
    "forward, batch 1",
    BenchmarkClock.measure(repetitions: 7, warmup: 1, singleThreaded: true) {
      _ = model.logits(for: batch1)
    }, flops: flopsPerImage)
  ModelBench.printRow(
    "forward + input gradient, batch 1",
    BenchmarkClock.measure(repetitions: 7, warmup: 1, singleThreaded: true) {
      forwardAndGradient(batch1)
    }, flops: 2 * flopsPerImage)
  printBreakdown(parts, threads: 1)
  ComputeThreads.set(ProcessInfo.processInfo.activeProcessorCount)
}

// MARK: - Memory of an attack loop

let resetWorked = ModelBench.resetPeakResident()
for _ in 0..<10 { forwardAndGradient(batch1) }
print(
  String(
    format: "\nmemory: RSS with the model loaded %.0f MiB; peak while loading %.0f MiB; "
      + "peak of 10 forward + input-gradient passes at batch 1 %.0f MiB%@ (target < 400 MiB)",
    residentWithModel, peakAfterLoading, BenchmarkClock.peakResidentMiB(),
    resetWorked ? "" : " (could not reset the peak: includes loading)"))
print("load average at end: \(BenchmarkReport.loadAverage())")
