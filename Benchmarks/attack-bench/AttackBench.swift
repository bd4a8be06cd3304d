import Adversary
import FaceNets
import FaceTensor
import FaceTestSupport
import Foundation

/// Helpers of attack-bench.
enum AttackBench {
  /// One model under test: its adapter behind a meter, the goal attacked, and inputs by batch size.
  struct Subject<Base: AttackableModel> {
    let name: String
    let model: MeteredModel<Base>
    let goal: AttackGoal
    /// Where the images come from, for the report.
    let inputs: String
    let batches: [Int: Tensor]
  }

  /// One attack run, timed as a whole and split by what the meter saw (ms on `now()`'s clock).
  struct Run {
    /// The whole `run(on:...)` call, ms.
    let total: Double
    /// Steps taken (model calls with a pullback).
    let steps: Int
    /// When each step's model call began and when its progress report came (`now()`, seconds).
    let stepSpans: [(start: Double, end: Double)]
    /// Each step from the start of its model call to its progress report, ms.
    var stepTimes: [Double] { stepSpans.map { ($0.end - $0.start) * 1000 } }
    /// Each step's time outside the model call and its pullback (the objective, the step rule,
    /// the projection, the trace; and any 8-bit re-check), ms.
    var engineTimes: [Double] {
      zip(stepTimes, withPullback.calls).map { $0 - $1.seconds * 1000 }
    }
    let forwardOnly: ModelMeter
    let withPullback: ModelMeter
    let successRate: Double
  }

  /// The full-size keras-vggface ResNet-50 (8631 classes) in the manifest's layout with seeded
  /// random weights (written to a temporary file, loaded, deleted), as model-bench builds it.
  static func resNet50(manifest url: URL) throws -> VGGFaceModel {
    let manifest = try KerasManifest.load(from: url)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "attack-bench-\(getpid()).h5")
    defer { try? FileManager.default.removeItem(at: file) }
    try manifest.writeRandomWeights(to: file, seed: 50, stringType: .fixedLengthASCII)
    return try VGGFaceModel(architecture: .resnet50, contentsOf: file)
  }

  /// `count` seeded random images `[count, side, side, 3]` of whole levels in 0...255.
  static func randomImages(count: Int, side: Int, seed: UInt64) -> Tensor {
    var generator = SplitMix64(seed: seed)
    let noise = generator.uniformTensor([count, side, side, 3], in: 0...255)
    return Tensor(shape: noise.shape, scalars: noise.scalars.map { $0.rounded() })
  }

  /// The chips of `../shared/fixtures/dlib-chips` (the PNGs listed in its `expected.json`), or nil
  /// when the folder or a file cannot be read.
  static func dlibChips() -> [Tensor]? {
    struct Fixture: Decodable { let chip: String }
    struct Fixtures: Decodable { let chips: [Fixture] }
    let folder = SharedData.url("fixtures/dlib-chips")
    guard
      let data = try? Data(contentsOf: folder.appendingPathComponent("expected.json")),
      let fixtures = try? JSONDecoder().decode(Fixtures.self, from: data), !fixtures.chips.isEmpty
    else { return nil }
    var chips: [Tensor] = []
    for fixture in fixtures.chips {
      guard let image = try? RGBImage(contentsOf: folder.appendingPathComponent(fixture.chip))
      else { return nil }
      chips.append(Tensor(image: image))
    }
    return chips
  }

  /// `count` images `[1, H, W, C]` from `images`, repeated in order, as one batch `[count, H, W, C]`.
  static func batch(of images: [Tensor], count: Int) -> Tensor {
    let shape = images[0].shape
    var scalars: [Float] = []
    scalars.reserveCapacity(count * images[0].count)
    for i in 0..<count { scalars += images[i % images.count].scalars }
    return Tensor(shape: [count] + shape.dropFirst(), scalars: scalars)
  }

  /// One forward + input-gradient pass through the adapter, as an attack step calls it, with a
  /// fixed output gradient of ones/D.
  static func forwardAndGradient<Base: AttackableModel>(_ model: Base, _ images: Tensor) {
    let (outputs, pullback) = model.outputsWithPullback(for: images)
    let seed = Tensor(repeating: 1 / Float(outputs.shape[1]), shape: outputs.shape)
    _ = pullback(seed)
  }

  /// Median ms of `repetitions` forward + input-gradient passes.
  static func timeForwardAndGradient<Base: AttackableModel>(
    _ model: Base, _ images: Tensor, repetitions: Int
  ) -> Double {
    median((0..<repetitions).map { _ in milliseconds { forwardAndGradient(model, images) } })
  }

  /// The clock of every figure, in seconds: with one compute thread the calling thread's CPU
  /// time (all the work runs on it; robust to other processes), else the wall clock.
  static func now() -> Double {
    ComputeThreads.count == 1 ? BenchmarkClock.threadCPUSeconds() : BenchmarkClock.wallSeconds()
  }

  /// Milliseconds `body` takes on `now()`'s clock.
  static func milliseconds(_ body: () -> Void) -> Double {
    let start = now()
    body()
    return (now() - start) * 1000
  }

  /// Runs `method` with `settings` on `subject`'s batch of `batch` images and reports where the
  /// time went.
  static func run<Base: AttackableModel>(
    _ method: AttackMethod, settings: AttackSettings, on subject: Subject<Base>, batch: Int
  ) throws -> Run {
    guard let images = subject.batches[batch] else {
      preconditionFailure("[attack-bench] no batch of \(batch) for \(subject.name)")
    }
    let attack = try method.makeAttack(with: settings).attack
    let model = subject.model
    model.reset()
    var reports: [Double] = []
    let start = now()
    let result = try attack.run(
      on: model, images: images, goal: subject.goal, mask: nil, seed: 7,
      progress: { _ in reports.append(now()) })
    let total = (now() - start) * 1000
    let starts = model.withPullback.calls.map(\.start)
    precondition(
      reports.count == starts.count,
      "[attack-bench] \(reports.count) progress reports for \(starts.count) steps")
    return Run(
      total: total, steps: reports.count, stepSpans: Array(zip(starts, reports)),
      forwardOnly: model.forwardOnly, withPullback: model.withPullback,
      successRate: result.rounded.successRate)
  }

  /// Image `index` of `images` `[N, H, W, C]` as `[1, H, W, C]`.
  static func image(_ index: Int, of images: Tensor) -> Tensor {
    let size = images.count / images.shape[0]
    return Tensor(
      shape: [1] + images.shape.dropFirst(),
      scalars: Array(images.scalars[(index * size)..<((index + 1) * size)]))
  }

  /// The median of `values`.
  static func median(_ values: [Double]) -> Double { Timing(samples: values).median }
}
