import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// P-Net on the region of a level around some cells gives the whole level's output on them.
@Suite struct MTCNNPNetCellsTests {
  /// The cells chosen for the faces of a photo: P-Net on each level's region gives the
  /// probabilities P-Net gives on the whole level (within 1e-6: the GEMMs run over other
  /// sizes), and the evaluation of the candidates gives the probabilities they were chosen with.
  @Test(.enabled(if: SharedData.isAvailable(for: "regionScoresAreTheWholeLevelsOnAPhoto")))
  func regionScoresAreTheWholeLevelsOnAPhoto() throws {
    let detector = try MTCNN()
    let photo = try RGBImage(contentsOf: SharedData.url("data/faces/two_people.jpg"))
    let image = Tensor(image: photo)
    var levelsChecked = 0
    for face in detector.detect(in: photo) {
      let candidates = detector.faceCandidates(
        in: image, covering: inclusiveBox(of: face), minimumOverlap: 0.3, floor: 0.3)
      #expect(candidates.pnetCells.count >= 3)
      for cells in candidates.pnetCells {
        let region = cells.probabilitiesWithPullback(in: image, pnet: detector.pnet).value
        let whole = wholeLevelProbabilities(of: cells, in: image, pnet: detector.pnet)
        #expect(largestDifference(region, whole) <= 1e-6, "scale \(cells.scale)")
        levelsChecked += 1
      }
      let evaluated = detector.faceProbabilitiesWithPullback(of: candidates, in: image).value
      #expect(largestDifference(evaluated, candidates.probabilities) <= 1e-6)
    }
    #expect(levelsChecked >= 6)
  }

  /// On a random level of odd size, cells at odd positions and at the last row and column (whose
  /// windows end past the level): the same probabilities as the whole level, and the same image
  /// gradient as the whole level's pullback seeded at those cells.
  @Test func regionScoresAndGradientAreTheWholeLevelsAtTheBorders() throws {
    let pnet = try MTCNN().pnet
    var generator = SplitMix64(seed: 4)
    // Scale 1: the level is the image (27 x 31 gives a 9 x 11 output).
    let image = generator.uniformTensor([1, 31, 27, 3], in: 0...255)
    let cells = MTCNNPNetCells(
      scale: 1,
      cells: [.init(x: 3, y: 5), .init(x: 8, y: 10), .init(x: 5, y: 7), .init(x: 4, y: 5)])
    // The last cells' windows end one pixel past the level (where pooling pads): cut there.
    #expect(cells.region(levelWidth: 27, levelHeight: 31) == (x: 6, y: 10, width: 21, height: 21))
    let (region, regionPullback) = cells.probabilitiesWithPullback(in: image, pnet: pnet)

    let (outputs, pullback) = pnet.valueWithPullback(
      at: MTCNNInput.transposed(floats: image), scope: .input)
    #expect(outputs[1].shape == [1, 9, 11, 2])
    let indices = cells.cells.map { ($0.x * 11 + $0.y) * 2 + 1 }
    #expect(largestDifference(region, indices.map { outputs[1].scalars[$0] }) <= 1e-6)

    let weights = cells.cells.map { _ in generator.uniform() }
    var seed = Tensor(zeros: outputs[1].shape)
    seed.withUnsafeMutableBufferPointer { seed in
      for (index, weight) in zip(indices, weights) { seed[index] = weight }
    }
    let whole = MTCNNInput.untransposed(gradient: pullback([nil, seed]).input)
    let fromRegion = regionPullback(weights[...])
    #expect(fromRegion.shape == image.shape)
    let difference = largestDifference(fromRegion.scalars, whole.scalars)
    #expect(difference <= 1e-6 * max(1, Double(whole.maxAbs())), "\(difference)")
    #expect(whole.maxAbs() > 0)
  }

  /// P-Net's probabilities at the cells, from the whole level.
  private func wholeLevelProbabilities(
    of cells: MTCNNPNetCells, in image: Tensor, pnet: Network
  ) -> [Float] {
    let level = MTCNNPyramid.resizedLevel(of: image, scale: cells.scale).value
    let probabilities = pnet(MTCNNInput.transposed(floats: level))[1]
    let height = probabilities.shape[2]
    return cells.cells.map { probabilities.scalars[($0.x * height + $0.y) * 2 + 1] }
  }

  private func largestDifference(_ a: [Float], _ b: [Float]) -> Double {
    a.count == b.count ? zip(a, b).map { Double(abs($0 - $1)) }.max() ?? 0 : .infinity
  }
}
