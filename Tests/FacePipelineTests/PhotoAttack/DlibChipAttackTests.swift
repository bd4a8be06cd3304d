import Adversary
import FaceNets
import FacePipeline
import FaceTensor
import FaceTestSupport
import Foundation
import Testing

/// The attacks on dlib's real face-recognition ResNet, on every chip of the shared fixtures.
///
/// Through `DlibDescriptorAttackModel`, all chips of `../shared/fixtures/dlib-chips` in one
/// batch: dodging (distance to the clean descriptor past dlib's 0.6) with each iterative
/// method's defaults, and impersonation of another person. Success is judged on the images
/// rounded to 8 bits, as a saved PNG holds them; each test prints its success rate, mean
/// L∞ / L2 / SSIM and run time.
@Suite(.serialized) struct DlibChipAttackTests {
  /// The chips `[N, 150, 150, 3]` (RGB, 0...255) in file-name order, and their names.
  static func chips() throws -> (names: [String], images: Tensor) {
    let folder = SharedData.url("fixtures/dlib-chips")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasSuffix(".png") }.sorted()
    let images = try names.map { try RGBImage(contentsOf: folder.appendingPathComponent($0)) }
    for (name, image) in zip(names, images) {
      #expect(image.width == 150 && image.height == 150, "\(name)")
    }
    let pixels = images.flatMap { $0.pixels.map(Float.init) }
    return (names, Tensor(shape: [images.count, 150, 150, 3], scalars: pixels))
  }

  static func model() throws -> DlibDescriptorAttackModel {
    DlibDescriptorAttackModel(resNet: try DlibPipelineSupport.embedders.get().dlib.resNet)
  }

  /// Runs `method` with `settings` against the clean descriptors of every chip; prints and
  /// returns the result.
  static func dodge(
    _ method: AttackMethod, settings: AttackSettings, label: String
  ) throws -> AttackResult {
    let model = try model()
    let (names, images) = try chips()
    let clean = model.outputs(for: images)
    let configured = try method.makeAttack(with: settings)
    let clock = ContinuousClock()
    var result: AttackResult?
    let time = try clock.measure {
      result = try configured.attack.run(
        on: model, images: images, goal: .dodging(sources: clean), mask: nil, seed: 0,
        progress: nil)
    }
    let attacked = try #require(result)
    print(summary(of: attacked.rounded, label: label, time: time))
    for (i, sample) in attacked.rounded.samples.enumerated() {
      print(
        "  \(names[i]): distance \(sample.distance ?? .nan), L-inf \(sample.metrics.lInfinity), "
          + "L2 \(sample.metrics.l2), SSIM \(sample.metrics.ssim ?? .nan), "
          + "steps \(attacked.steps[i])")
    }
    return attacked
  }

  /// `<label>: success <rate>, mean L-inf / L2 / SSIM ..., <time>` for the summary.
  static func summary(of evaluation: AttackEvaluation, label: String, time: Duration) -> String {
    let samples = evaluation.samples
    let count = Float(max(samples.count, 1))
    let lInfinity = samples.map(\.metrics.lInfinity).reduce(0, +) / count
    let l2 = samples.map(\.metrics.l2).reduce(0, +) / count
    let ssim = samples.map { $0.metrics.ssim ?? .nan }.reduce(0, +) / count
    return
      "dlib \(label): success \(evaluation.successRate), mean L-inf \(lInfinity), "
      + "mean L2 \(l2), mean SSIM \(ssim), \(time)"
  }

  /// Every image within 0...255, its metrics finite, and (for an ε-bounded attack) its L∞ ≤ ε.
  static func checkConstraints(_ result: AttackResult, epsilon: Float?) {
    let images = result.rounded.images
    #expect(images.min() >= 0 && images.max() <= 255)
    for sample in result.rounded.samples {
      let metrics = sample.metrics
      #expect(
        metrics.lInfinity.isFinite && metrics.l2.isFinite && metrics.psnr.isFinite
          && (metrics.ssim?.isFinite ?? false), "\(metrics)")
      if let epsilon { #expect(metrics.lInfinity <= epsilon, "\(metrics)") }
    }
  }

  @Test(
    .enabled(if: SharedData.isAvailable(for: "everyIterativeMethodDodgesAtItsDefaults")),
    arguments: [AttackMethod.bim, .pgd, .mifgsm, .adam, .cw])
  func everyIterativeMethodDodgesAtItsDefaults(_ method: AttackMethod) throws {
    let result = try Self.dodge(method, settings: AttackSettings(), label: "\(method) defaults")
    for (i, sample) in result.rounded.samples.enumerated() {
      #expect(sample.success && (sample.distance ?? 0) > 0.6, "chip \(i): \(sample)")
    }
    Self.checkConstraints(
      result, epsilon: method == .cw ? nil : AttackDefaults.lInfinityEpsilon)
  }

  @Test(
    .enabled(if: SharedData.isAvailable(for: "pgdAndMIFGSMDodgeAtFourLevels")),
    arguments: [AttackMethod.pgd, .mifgsm])
  func pgdAndMIFGSMDodgeAtFourLevels(_ method: AttackMethod) throws {
    let result = try Self.dodge(
      method, settings: AttackSettings(epsilon: 4), label: "\(method) eps 4")
    for (i, sample) in result.rounded.samples.enumerated() {
      #expect(sample.success && (sample.distance ?? 0) > 0.6, "chip \(i): \(sample)")
    }
    Self.checkConstraints(result, epsilon: 4)
  }

  /// One FGSM step of 8 levels (from its random start, seed 0) moves every chip's descriptor
  /// most of the way to dlib's 0.6 but across it on none: measured distances 0.499 to 0.571 on
  /// the five chips, success 0 (the iterative methods dodge on all of them).
  @Test(.enabled(if: SharedData.isAvailable(for: "fgsmFallsShortOfDodgingOnEveryChip")))
  func fgsmFallsShortOfDodgingOnEveryChip() throws {
    let result = try Self.dodge(.fgsm, settings: AttackSettings(), label: "fgsm defaults")
    #expect(result.rounded.samples.count == result.original.shape[0])
    #expect(result.rounded.successRate == 0)
    for (i, sample) in result.rounded.samples.enumerated() {
      let distance = sample.distance ?? .nan
      #expect(distance >= 0.45 && distance < 0.6, "chip \(i): distance \(distance)")
    }
    #expect(result.steps.allSatisfy { $0 == 1 }, "\(result.steps)")
    Self.checkConstraints(result, epsilon: AttackDefaults.lInfinityEpsilon)
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "pgdImpersonatesAnotherPerson")))
  func pgdImpersonatesAnotherPerson() throws {
    let model = try Self.model()
    let folder = SharedData.url("fixtures/dlib-chips")
    let source = Tensor(
      image: try RGBImage(contentsOf: folder.appendingPathComponent("obama_face0.png")))
    let target = model.outputs(
      for: Tensor(
        image: try RGBImage(contentsOf: folder.appendingPathComponent("two_people_face0.png"))))
    let difference = model.outputs(for: source) - target
    let cleanDistance = Float(difference.l2Norm())
    #expect(cleanDistance > 0.6, "the two chips must show different people")

    let clock = ContinuousClock()
    var result: AttackResult?
    let time = try clock.measure {
      result = try PGD(epsilon: 8, steps: 100).run(
        on: model, images: source, goal: .impersonation(targets: target, margin: 0.3))
    }
    let attacked = try #require(result)
    print(
      Self.summary(of: attacked.rounded, label: "pgd impersonation eps 8, 100 steps", time: time)
        + ", clean distance \(cleanDistance), rounded distance "
        + "\(attacked.rounded.samples[0].distance ?? .nan), steps \(attacked.steps[0])")
    #expect((attacked.rounded.samples[0].distance ?? .infinity) <= 0.4)
    Self.checkConstraints(attacked, epsilon: 8)
  }
}
