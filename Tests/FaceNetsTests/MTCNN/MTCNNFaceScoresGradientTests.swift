import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// The pullback of `MTCNN.faceScoresWithPullback` against central differences of the same
/// candidates' scores along directions in the face (the candidate set held fixed).
@Suite(.enabled(if: SharedData.isAvailable(for: "MTCNNFaceScoresGradientTests")))
struct MTCNNFaceScoresGradientTests {
  /// The face checked in each photo (index in `detect(in:)`'s order).
  static let faceIndex = ["ivan.jpg": 0, "two_people.jpg": 1]
  /// The finite-difference step, in pixel levels.
  ///
  /// The scores are piecewise smooth with kinks (PReLU, max pooling) so dense that along a
  /// direction over ~10^5 values one is crossed every few hundredths of a level; the relative
  /// error grows with the step (about 0.1-1 % at 0.005, 1-2.5 % at 0.02, 4-6 % at 0.5), while
  /// 0.005 still moves the weighted score far above Float rounding.
  static let step: Float = 0.005
  static let tolerance = 0.025

  /// The pullback's projection on directions in the face equals the central difference.
  ///
  /// Along directions that agree with the gradient's sign on 3/4 of the face's values, the
  /// central difference of `Σ w·p` over the fixed candidates equals the pullback's projection
  /// within 2.5 %, for random weights `w` on all candidates and on each stage alone (O-Net's
  /// saturated probabilities contribute little to the sum). The same gradient scaled by 1.1, and
  /// the gradient moved one pixel to the right (a crop placed one pixel off), checked along its
  /// own direction, fail.
  ///
  /// A uniformly random ±1 direction would give a projection that cancels down to about
  /// `1/√n` of the gradient's size, comparable with the scores' Float rounding over the step.
  /// The pixels are dithered by ±0.5 levels (seeded, as an attack's iterate is not integer): on
  /// 8-bit values, flat regions give max-pool inputs that tie exactly, where the function has a
  /// kink at the point itself.
  @Test(arguments: ["ivan.jpg", "two_people.jpg"])
  func pullbackMatchesDirectionalDifferences(_ name: String) throws {
    let detector = try MTCNN()
    let photo = try RGBImage(contentsOf: SharedData.url("data/faces/" + name))
    var generator = SplitMix64(seed: 18)
    let image = Tensor(image: photo).mapped {
      min(255, max(0, $0 + generator.uniform(-0.5...0.5)))
    }
    let face = inclusiveBox(of: detector.detect(in: photo)[try #require(Self.faceIndex[name])])
    let (scores, pullback) = detector.faceScoresWithPullback(in: image, covering: face)
    let candidates = detector.faceCandidates(
      in: image, covering: face, minimumOverlap: 0.3, floor: 0.3)
    #expect(candidates.stages == scores.stages && candidates.boxes == scores.boxes)
    #expect(Set(scores.stages) == [.pnet, .rnet, .onet], "\(name): \(scores.stages)")

    for stage in [nil, MTCNNFaceScores.Stage.pnet, .rnet, .onet] {
      let weights = scores.stages.map { stage == nil || $0 == stage ? generator.uniform() : 0 }
      let gradient = pullback(Tensor(shape: [weights.count], scalars: weights)).scalars
      let weightedScore = { (x: Tensor) -> Double in
        let probabilities = detector.faceProbabilitiesWithPullback(of: candidates, in: x).value
        return zip(probabilities, weights).reduce(0) { $0 + Double($1.0) * Double($1.1) }
      }
      let label = "\(name), weights on \(stage?.rawValue ?? "all stages")"
      for trial in 0..<2 {
        let signs = direction(agreeingWith: gradient, in: face, of: image, &generator)
        let (analytic, numeric) = projection(of: gradient, along: signs, at: image, weightedScore)
        #expect(
          relativeError(analytic, numeric) <= Self.tolerance,
          "\(label), direction \(trial): analytic \(analytic), numeric \(numeric)")
        #expect(
          relativeError(1.1 * analytic, numeric) > Self.tolerance,
          "\(label), direction \(trial): the 10 % control passed")
      }
      let shifted = [Float](repeating: 0, count: 3) + gradient.dropLast(3)
      let signs = direction(agreeingWith: shifted, in: face, of: image, &generator)
      let (analytic, numeric) = projection(of: shifted, along: signs, at: image, weightedScore)
      #expect(
        relativeError(analytic, numeric) > Self.tolerance,
        "\(label): the one-pixel control passed (analytic \(analytic), numeric \(numeric))")
    }
  }

  /// ±1 on the values of the pixels in `face` (0 elsewhere), agreeing with `gradient`'s sign
  /// with probability 3/4.
  private func direction(
    agreeingWith gradient: [Float], in face: BoxEdges, of image: Tensor,
    _ generator: inout SplitMix64
  ) -> [Float] {
    let (height, width) = (image.shape[1], image.shape[2])
    var signs = [Float](repeating: 0, count: image.count)
    for y in max(0, Int(face.top))...min(height - 1, Int(face.bottom)) {
      for x in max(0, Int(face.left))...min(width - 1, Int(face.right)) {
        for c in 0..<3 {
          let i = (y * width + x) * 3 + c
          let agrees: Float = generator.next() % 4 == 0 ? -1 : 1
          signs[i] = gradient[i] >= 0 ? agrees : -agrees
        }
      }
    }
    return signs
  }

  /// The gradient's projection on the step actually taken and the central difference of
  /// `score` over it: `x ± step·signs`, as Float rounds them.
  private func projection(
    of gradient: [Float], along signs: [Float], at image: Tensor,
    _ score: (Tensor) -> Double
  ) -> (analytic: Double, numeric: Double) {
    let moved = { (sign: Float) in
      Tensor(
        shape: image.shape,
        scalars: zip(image.scalars, signs).map { $0 + sign * Self.step * $1 })
    }
    let (forward, backward) = (moved(1), moved(-1))
    let displacement = zip(forward.scalars, backward.scalars).map { Double($0) - Double($1) }
    let analytic = zip(gradient, displacement).reduce(0) { $0 + Double($1.0) * $1.1 }
    return (analytic, score(forward) - score(backward))
  }

  private func relativeError(_ analytic: Double, _ numeric: Double) -> Double {
    abs(analytic - numeric) / max(abs(analytic), abs(numeric))
  }
}
