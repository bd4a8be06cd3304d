import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// A full-size ResNet-50 file in the real layout (`../shared/fixtures/vggface2-resnet50-h5-manifest.json`:
/// every layer, weight name, shape and HDF5 path of `rcmalli_vggface_tf_resnet50.h5`), written by
/// the test with seeded random weights and fixed-length strings (as the published 2017–2019 files),
/// loads without error and runs.
@Suite struct VGGFaceFullSizeTests {
  @Test(
    .enabled(if: SharedData.isAvailable(for: "fullSizeResNet50FileInTheRealLayoutLoadsAndRuns")))
  func fullSizeResNet50FileInTheRealLayoutLoadsAndRuns() throws {
    let manifest = try KerasManifest.load(
      from: SharedData.url("fixtures/vggface2-resnet50-h5-manifest.json"))
    let folder = try VGGFaceFixtures.temporaryFolder()
    defer { folder.remove() }
    let url = folder.url.appendingPathComponent("rcmalli_vggface_tf_resnet50.h5")
    try manifest.writeRandomWeights(to: url, seed: 50, stringType: .fixedLengthASCII)

    let file = try KerasWeightsFile(contentsOf: url)
    #expect(file.layerNames == manifest.layerNames)
    #expect(file.scalarCount == manifest.summary.totalParams)
    let model = try VGGFaceModel(architecture: .resnet50, weights: consume file)
    try? FileManager.default.removeItem(at: url)
    #expect(model.classCount == 8631)
    #expect(model.featureCount == 2048)

    var generator = SplitMix64(seed: 224)
    let image = Tensor(shape: [1, 224, 224, 3]) { pixels in
      for i in 0..<pixels.count { pixels[i] = Float.random(in: 0...255, using: &generator) }
    }
    let p = model.probabilities(for: image)
    #expect(p.shape == [1, 8631])
    #expect(p.scalars.allSatisfy { $0.isFinite && $0 >= 0 })
    #expect(abs(p.scalars.reduce(0, +) - 1) < 1e-3)
  }
}
