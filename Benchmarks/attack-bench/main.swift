// attack-bench: what the attacks of Adversary cost on top of the model, and their time per step,
// for dlib's face-recognition ResNet (the installed model, 150x150 chips, dodging) and the
// full-size keras-vggface ResNet-50 (seeded random weights, 8631 classes, 224x224, untargeted).
//
//   swift run -c release attack-bench                 # the environment as it is
//   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE swift run -c release attack-bench
//
// 1. Overhead: PGD (L-inf, eps 8/255, step eps/4) for k steps with early stop off, the whole
//    `run` call divided by k (nothing subtracted), against one forward + input-gradient pass of
//    the same adapter on the same batch (`outputsWithPullback` and its pullback). A metered
//    wrapper of the model splits the run into the steps' model time, the forward-only passes
//    (clean outputs, 8-bit re-checks, final evaluation) and the engine's own work. Then PGD with
//    the defaults (early stop on) shows what the per-step 8-bit re-checks cost.
// 2. Time per step of every method, batch 1 and 8, early stop off: each step timed from the
//    start of its model call to its progress report (median over the steps; FGSM: over runs).
//    Per-run one-off passes (clean outputs, final evaluation) are not in these figures; part 1
//    shows them.
// 3. The OpenBLAS kernel and threads, in the header.
//
// Needs dlib_face_recognition_resnet_model_v1.dat ($FACEADVERSARY_MODELS or
// ~/.local/share/faceadversary/models; `make setup`) and
// ../shared/fixtures/vggface2-resnet50-h5-manifest.json ($FACEADVERSARY_SHARED); a model whose
// file is missing is skipped with a note. dlib's inputs are the chips of
// ../shared/fixtures/dlib-chips when present, else seeded random images.

import Adversary
import FaceNets
import FacePipeline
import FaceTensor
import FaceTestSupport
import Foundation

/// The step counts and repeats of one model's measurements, chosen to keep the whole run to a
/// few minutes at 2 threads.
struct Plan {
  /// Part 1: (batch, PGD steps k, interleaved repeats).
  let overhead: [(batch: Int, steps: Int, repeats: Int)]
  /// Part 1 again with one compute thread.
  let singleThreadOverhead: [(batch: Int, steps: Int, repeats: Int)]
  /// Part 2: (batch, steps per run, FGSM runs).
  let perStep: [(batch: Int, steps: Int, fgsmRuns: Int)]
}

let benchStart = BenchmarkClock.wallSeconds()
BenchmarkReport.printHeader("attack-bench: Adversary's attacks on dlib's ResNet and ResNet-50")
print("load average at start: \(BenchmarkReport.loadAverage())")
let threads = ComputeThreads.count
print("times: wall clock with \(threads) compute thread(s) unless said otherwise")

// MARK: - Models

let dlibSubject: AttackBench.Subject<DlibDescriptorAttackModel>?
do {
  let file = try ModelDirectory().locate(
    DlibModelFile.faceRecognitionResNetV1.name, howToGet: "Run `make setup` to install it.")
  let resNet = try DlibResNet(contentsOf: file)
  let chips = AttackBench.dlibChips()
  let images =
    chips ?? [AttackBench.randomImages(count: 1, side: resNet.chipSize, seed: 150)]
  dlibSubject = AttackBench.Subject(
    name: "dlib ResNet", model: MeteredModel(DlibDescriptorAttackModel(resNet: resNet)),
    goal: .dodging(),
    inputs: chips.map { "the \($0.count) chips of fixtures/dlib-chips, repeated" }
      ?? "seeded random 150x150 images (fixtures/dlib-chips not found)",
    batches: [
      1: AttackBench.batch(of: images, count: 1), 8: AttackBench.batch(of: images, count: 8),
    ])
} catch {
  print("dlib's ResNet skipped: \(error)")
  dlibSubject = nil
}

let vggSubject: AttackBench.Subject<VGGFaceAttackModel>?
do {
  let manifest = SharedData.url("fixtures/vggface2-resnet50-h5-manifest.json")
  guard FileManager.default.fileExists(atPath: manifest.path) else {
    throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: manifest.path])
  }
  let model = try AttackBench.resNet50(manifest: manifest)
  vggSubject = AttackBench.Subject(
    name: "ResNet-50", model: MeteredModel(VGGFaceAttackModel(model: model)),
    goal: .untargeted(), inputs: "seeded random 224x224 images",
    batches: [
      1: AttackBench.randomImages(count: 1, side: 224, seed: 224),
      8: AttackBench.randomImages(count: 8, side: 224, seed: 224),
    ])
} catch {
  print("ResNet-50 skipped: \(error) (set \(SharedData.environmentVariable))")
  vggSubject = nil
}

let dlibPlan = Plan(
  overhead: [(1, 20, 3), (8, 10, 3)], singleThreadOverhead: [(1, 20, 3), (8, 5, 2)],
  perStep: [(1, 6, 3), (8, 4, 2)])
let vggPlan = Plan(
  overhead: [(1, 20, 3)], singleThreadOverhead: [(1, 10, 2)],
  perStep: [(1, 6, 3), (8, 3, 1)])

// MARK: - 1. Overhead of the attack

print(
  "\n1. One PGD step (L-inf, eps 8, step 2, early stop off; the whole run / k) against one"
    + " forward + input gradient through the adapter, same batch")
if let dlibSubject {
  for (batch, steps, repeats) in dlibPlan.overhead {
    try Sections.overhead(of: dlibSubject, batch: batch, steps: steps, repeats: repeats)
  }
}
if let vggSubject {
  for (batch, steps, repeats) in vggPlan.overhead {
    try Sections.overhead(of: vggSubject, batch: batch, steps: steps, repeats: repeats)
  }
}
print("\none compute thread (the calling thread's CPU time: robust to the machine's other load)")
ComputeThreads.set(1)
if let dlibSubject {
  for (batch, steps, repeats) in dlibPlan.singleThreadOverhead {
    try Sections.overhead(of: dlibSubject, batch: batch, steps: steps, repeats: repeats)
  }
}
if let vggSubject {
  for (batch, steps, repeats) in vggPlan.singleThreadOverhead {
    try Sections.overhead(of: vggSubject, batch: batch, steps: steps, repeats: repeats)
  }
}
ComputeThreads.set(threads)

print("\nthe 8-bit re-checks with early stop on: PGD with the defaults (50 steps at most)")
if let dlibSubject { try Sections.earlyStopChecks(of: dlibSubject, batch: 8) }
if let vggSubject { try Sections.earlyStopChecks(of: vggSubject, batch: 1) }
print("batch invariance of the outputs (re-checks and the final evaluation reuse subset rows)")
if let dlibSubject { Sections.batchInvariance(of: dlibSubject, batch: 8) }
if let vggSubject { Sections.batchInvariance(of: vggSubject, batch: 8) }
print("load average: \(BenchmarkReport.loadAverage())")

// MARK: - 2. Time per step

print(
  "\n2. Time per step, early stop off (median over the steps of a run, from the start of the"
    + " step's model call to its progress report; FGSM: its one step, median over runs; C&W:"
    + " one step of a binary-search round)")
if let dlibSubject {
  for (batch, steps, fgsmRuns) in dlibPlan.perStep {
    try Sections.timePerStep(of: dlibSubject, batch: batch, steps: steps, fgsmRuns: fgsmRuns)
  }
}
if let vggSubject {
  for (batch, steps, fgsmRuns) in vggPlan.perStep {
    try Sections.timePerStep(of: vggSubject, batch: batch, steps: steps, fgsmRuns: fgsmRuns)
  }
}

print(
  String(
    format: "\nload average at end: %@; attack-bench took %.0f s", BenchmarkReport.loadAverage(),
    BenchmarkClock.wallSeconds() - benchStart))
