import Adversary
import FaceNets
import FacePipeline
import FaceTensor
import FaceTestSupport
import Testing

/// The attacks on a small classifier trained in the test, through `NetworkAttackModel`.
///
/// `PatternClassifier` is trained on seeded `SyntheticPatterns`; at the smallest budget of the
/// grid where one FGSM step fools it on 20-60% of the held-out images it classifies correctly,
/// iterative PGD fools it on nearly all of them, and steers them to a chosen class. Success is
/// judged on the images rounded to 8 bits.
@Suite struct TrainedClassifierAttackTests {
  /// The L∞ budgets tried, in whole levels of 0...255 (so that 8-bit rounding keeps them),
  /// smallest first.
  static let epsilonGrid: [Float] = (1...32).map(Float.init)
  static let classCount = 4

  /// The trained network, its training losses (before each step) and accuracy, and the
  /// held-out images it classifies correctly, with their labels.
  static func trainedSetting() throws -> (
    network: Network, losses: [Float], trainingAccuracy: Double, images: Tensor, labels: [Int]
  ) {
    var generator = SplitMix64(seed: 20_260_807)
    let data = SyntheticPatterns(
      classCount: classCount, amplitude: 40, noise: 10, generator: &generator)
    let training = data.samples(count: 160, generator: &generator)
    let heldOut = data.samples(count: 80, generator: &generator)
    var network = PatternClassifier.make(classCount: classCount, generator: &generator)
    let losses = try PatternClassifier.train(
      &network, images: training.images, labels: training.labels, steps: 100, learningRate: 0.1)
    let trainingAccuracy = accuracy(
      PatternClassifier.predictions(of: network, images: training.images), training.labels)
    let predicted = PatternClassifier.predictions(of: network, images: heldOut.images)
    let correct = heldOut.labels.indices.filter { predicted[$0] == heldOut.labels[$0] }
    return (
      network, losses, trainingAccuracy, rows(correct, of: heldOut.images),
      correct.map { heldOut.labels[$0] }
    )
  }

  @Test func pgdSucceedsWhereFGSMMostlyFails() throws {
    let (network, losses, trainingAccuracy, images, labels) = try Self.trainedSetting()
    let (firstLoss, lastLoss) = (losses.first ?? .nan, losses.last ?? .nan)
    print(
      "trained classifier: loss \(firstLoss) -> \(lastLoss), training accuracy "
        + "\(trainingAccuracy), \(labels.count) of 80 held-out images correct")
    #expect(lastLoss < firstLoss / 10)
    #expect(trainingAccuracy >= 0.95)
    try #require(labels.count >= 40)
    let model = NetworkAttackModel(network: network)

    var chosen: (epsilon: Float, fgsmRate: Double)?
    for epsilon in Self.epsilonGrid {
      let fgsm = try FGSM(epsilon: epsilon).run(
        on: model, images: images, goal: .untargeted(labels: labels))
      let rate = fgsm.rounded.successRate
      print("trained classifier: eps \(epsilon): FGSM success \(rate)")
      if (0.2...0.6).contains(rate) { chosen = (epsilon, rate) }
      if rate >= 0.2 { break }
    }
    let (epsilon, fgsmRate) = try #require(chosen, "no eps of the grid gives FGSM 20-60%")

    let untargeted = try PGD(epsilon: epsilon, steps: 50).run(
      on: model, images: images, goal: .untargeted(labels: labels))
    let targets = labels.map { ($0 + 1) % Self.classCount }
    let targeted = try PGD(epsilon: epsilon, steps: 50).run(
      on: model, images: images, goal: .targeted(labels: targets))
    let reachedTargets = zip(targeted.rounded.samples, targets).filter { sample, target in
      sample.success && sample.topClasses.first?.label == target
    }.count
    let targetedRate = Double(reachedTargets) / Double(targets.count)
    print(
      "trained classifier: eps \(epsilon): FGSM \(fgsmRate), PGD-50 untargeted "
        + "\(untargeted.rounded.successRate), PGD-50 targeted \(targetedRate)")
    #expect(untargeted.rounded.successRate >= 0.9)
    #expect(targetedRate >= 0.8)
    for result in [untargeted, targeted] {
      #expect(result.rounded.samples.allSatisfy { $0.metrics.lInfinity <= epsilon })
    }
  }

  /// The fraction of `predicted` equal to `labels`.
  static func accuracy(_ predicted: [Int], _ labels: [Int]) -> Double {
    Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
  }

  /// The images `indices` of `images` `[N, H, W, C]`, in that order.
  static func rows(_ indices: [Int], of images: Tensor) -> Tensor {
    let size = images.count / images.shape[0]
    var scalars = [Float]()
    scalars.reserveCapacity(indices.count * size)
    for i in indices { scalars += images.scalars[(i * size)..<((i + 1) * size)] }
    return Tensor(shape: [indices.count] + images.shape.dropFirst(), scalars: scalars)
  }
}
