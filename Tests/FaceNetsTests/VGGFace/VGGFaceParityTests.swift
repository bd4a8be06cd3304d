import FaceTensor
import Foundation
import Testing

@testable import FaceNets

/// The Swift VGGFace models against Keras: the slim (width / 16, 7 classes) keras-vggface models
/// with seeded random weights that `Scripts/reference/vggface_slim_reference.py` saved, run on
/// three face crops; the reference outputs are TensorFlow 2.15 / Keras 2.15's (`reference.json`,
/// `gradients.h5`).
@Suite struct VGGFaceParityTests {
  /// Largest accepted |Δp| between our probabilities and Keras's.
  static let probabilityTolerance = 1e-4
  /// Smallest accepted cosine similarity between our input gradient and Keras's.
  static let gradientCosine = 0.999

  @Test(arguments: VGGFaceArchitecture.allCases, [true, false])
  func probabilitiesMatchKeras(_ architecture: VGGFaceArchitecture, foldingBatchNorm: Bool) throws {
    let reference = try VGGFaceFixtures.reference().model(architecture)
    let model = try VGGFaceModel(
      architecture: architecture, contentsOf: VGGFaceFixtures.url(reference.weights),
      foldingBatchNorm: foldingBatchNorm)
    #expect(model.classCount == reference.outputClasses)
    let probabilities = model.probabilities(for: try VGGFaceFixtures.imageBatch())
    for (n, key) in VGGFaceFixtures.imageKeys.enumerated() {
      let expected = try #require(reference.images[key])
      let p = VGGFaceFixtures.row(n, of: probabilities)
      #expect(
        Array(VGGFaceFixtures.ranking(p).prefix(5)) == expected.top5, "\(architecture) \(key)")
      let worst = zip(p, expected.probabilities).map { abs(Double($0) - $1) }.max() ?? .infinity
      #expect(worst <= Self.probabilityTolerance, "\(architecture) \(key): max |Δp| = \(worst)")
    }
  }

  @Test(arguments: VGGFaceArchitecture.allCases)
  func inputGradientOfCrossEntropyMatchesKeras(_ architecture: VGGFaceArchitecture) throws {
    let reference = try VGGFaceFixtures.reference().model(architecture)
    let model = try VGGFaceModel(
      architecture: architecture, contentsOf: VGGFaceFixtures.url(reference.weights))
    let gradients = try HDF5File(contentsOf: VGGFaceFixtures.url("gradients.h5"))
    let batch = try VGGFaceFixtures.imageBatch()
    var storedPairs = 0
    for (n, key) in VGGFaceFixtures.imageKeys.enumerated() {
      let expected = try #require(reference.images[key])
      let (logits, pullback) = model.logitsWithPullback(for: VGGFaceFixtures.image(n, of: batch))
      // L = -ln softmax(z)[label]: ∂L/∂z = softmax(z) - onehot(label).
      var dLogits = logits.softmax()
      let loss = -log(Double(dLogits.scalars[expected.lossLabel]))
      dLogits.withUnsafeMutableBufferPointer { $0[expected.lossLabel] -= 1 }
      let gradient = pullback(dLogits)
      #expect(gradient.shape == [1, 224, 224, 3])
      #expect(
        abs(loss - expected.loss) <= 1e-4 * max(1, expected.loss), "\(architecture) \(key) loss")
      let l2 = gradient.l2Norm()
      #expect(
        abs(l2 - expected.gradientL2) <= 1e-2 * expected.gradientL2,
        "\(architecture) \(key): |∂L/∂x| = \(l2), Keras \(expected.gradientL2)")
      if let dataset = expected.gradientDataset {
        storedPairs += 1
        let kerasGradient = try gradients.tensor(at: dataset)
        #expect(kerasGradient.shape == gradient.shape)
        let cosine = VGGFaceFixtures.cosine(gradient.scalars, kerasGradient.scalars)
        #expect(cosine > Self.gradientCosine, "\(architecture) \(key): cosine \(cosine)")
      }
    }
    #expect(storedPairs >= 1, "gradients.h5 stores at least one image per architecture")
  }

  @Test(arguments: VGGFaceArchitecture.allCases)
  func notopFeaturesMatchKeras(_ architecture: VGGFaceArchitecture) throws {
    let reference = try VGGFaceFixtures.reference().model(architecture)
    let model = try VGGFaceModel(
      architecture: architecture, contentsOf: VGGFaceFixtures.url(reference.weightsNotop))
    #expect(model.classCount == nil)
    #expect(model.featureCount == reference.featureDim)
    let features = model.features(for: try VGGFaceFixtures.imageBatch())
    #expect(features.shape == [VGGFaceFixtures.imageKeys.count, reference.featureDim])
    for (n, key) in VGGFaceFixtures.imageKeys.enumerated() {
      let expected = try #require(reference.images[key])
      let f = VGGFaceFixtures.row(n, of: features)
      let scale = expected.notopFeatureL2 / Double(f.count).squareRoot()
      for (i, value) in expected.notopFeatureFirst16.enumerated() {
        #expect(
          abs(Double(f[i]) - value) <= 1e-4 * max(scale, abs(value)),
          "\(architecture) \(key) feature \(i): \(f[i]) vs Keras \(value)")
      }
      let l2 = Tensor(shape: [f.count], scalars: f).l2Norm()
      #expect(abs(l2 - expected.notopFeatureL2) <= 1e-4 * expected.notopFeatureL2)
    }
  }

  /// The ResNets' notop feature is exactly what their classifier reads.
  @Test(arguments: [VGGFaceArchitecture.resnet50, .senet50])
  func fullModelFeaturesEqualTheNotopFeatures(_ architecture: VGGFaceArchitecture) throws {
    let reference = try VGGFaceFixtures.reference().model(architecture)
    let full = try VGGFaceModel(
      architecture: architecture, contentsOf: VGGFaceFixtures.url(reference.weights))
    let notop = try VGGFaceModel(
      architecture: architecture, contentsOf: VGGFaceFixtures.url(reference.weightsNotop))
    let batch = try VGGFaceFixtures.imageBatch()
    let a = full.features(for: batch)
    let b = notop.features(for: batch)
    #expect(a.shape == b.shape)
    #expect(zip(a.scalars, b.scalars).allSatisfy { $0 == $1 })
  }

  /// Folding each BatchNorm into its convolution changes only rounding.
  @Test(arguments: [VGGFaceArchitecture.resnet50, .senet50])
  func foldingBatchNormChangesOnlyRounding(_ architecture: VGGFaceArchitecture) throws {
    let url = try VGGFaceFixtures.url(try VGGFaceFixtures.reference().model(architecture).weights)
    let folded = try VGGFaceModel(architecture: architecture, contentsOf: url)
    let separate = try VGGFaceModel(
      architecture: architecture, contentsOf: url, foldingBatchNorm: false)
    #expect(folded.foldsBatchNorm && !separate.foldsBatchNorm)
    #expect(folded.network.layerNames.count < separate.network.layerNames.count)
    let batch = try VGGFaceFixtures.imageBatch()
    let a = folded.logits(for: batch)
    let b = separate.logits(for: batch)
    let largest = b.scalars.map { abs(Double($0)) }.max() ?? 0
    let worst = zip(a.scalars, b.scalars).map { abs(Double($0) - Double($1)) }.max() ?? .infinity
    #expect(
      worst <= 1e-5 * max(1, largest), "logits differ by \(worst) (largest |logit| \(largest))")
  }

  /// Each row of a batch depends on its own image only.
  @Test func batchRowsAreIndependent() throws {
    let reference = try VGGFaceFixtures.reference().model(.senet50)
    let model = try VGGFaceModel(
      architecture: .senet50, contentsOf: VGGFaceFixtures.url(reference.weights))
    let batch = try VGGFaceFixtures.imageBatch()
    let together = model.logits(for: batch)
    for n in 0..<batch.shape[0] {
      let alone = model.logits(for: VGGFaceFixtures.image(n, of: batch))
      let worst =
        zip(alone.scalars, VGGFaceFixtures.row(n, of: together)).map { abs($0 - $1) }.max() ?? 1
      #expect(worst <= 1e-5)
    }
  }
}
