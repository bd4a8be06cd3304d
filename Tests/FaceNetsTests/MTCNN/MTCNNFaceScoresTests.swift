import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// `MTCNN.faceScores`: which candidates it scores, and that the float cascade is `detect(in:)`'s
/// on an image of 8-bit values.
@Suite struct MTCNNFaceScoresTests {
  /// Scores match to this: the same networks on the same inputs, batched differently.
  static let probabilityTolerance: Float = 1e-5

  /// On the exact 8-bit pixels, the float cascade's R-Net and O-Net candidates and their
  /// probabilities are `detect(in:)`'s stages 2 and 3, and its O-Net candidates include the
  /// face `detect` reports.
  ///
  /// `detect(in:)` rounds its pyramid levels to 8 bits; the float cascade does not (an attack's
  /// iterate has no 8-bit levels). That half-level rounding moves P-Net's regression enough to
  /// move a truncated proposal corner by a pixel (on obama.jpg the box of the main face's
  /// detection is not among the float cascade's), so the reference is `detect(in:)`'s own stage
  /// functions fed the levels before rounding: stage 1 from the float levels, then R-Net and
  /// O-Net on 8-bit crops (`refine(_:in:)`, `runOnCrops`, `finish(_:in:)`), all independent of
  /// the float crops under test. `detect(in:)` itself must give the same faces as that reference
  /// to within the rounding's effect (IoU 0.8, confidence 1e-3).
  @Test(
    .enabled(if: SharedData.isAvailable(for: "floatCascadeOnEightBitPixelsIsDetectsCascade")),
    arguments: ["obama.jpg", "two_people.jpg"])
  func floatCascadeOnEightBitPixelsIsDetectsCascade(_ name: String) throws {
    let detector = try MTCNN()
    let photo = try RGBImage(contentsOf: SharedData.url("data/faces/" + name))
    let image = Tensor(image: photo)
    let thresholds = detector.options.thresholds
    let floor = 0.3

    let limit = MTCNN.coordinateLimit(for: photo)
    let scales = MTCNNPyramid.scales(
      width: photo.width, height: photo.height, minFaceSize: 20, scaleFactor: 0.709)
    let proposals = MTCNN.proposals(
      merging: scales.flatMap { scale in
        let level = MTCNNInput.transposed(
          floats: MTCNNPyramid.resizedLevel(of: image, scale: scale).value)
        return MTCNN.suppressedWithinLevel(detector.pnetWindows(in: level, scale: scale))
      }, limit: limit)
    let refined = detector.refine(proposals, in: photo)
    let referenceFaces = detector.finish(refined, in: photo)

    let faces = detector.detect(in: photo)
    #expect(faces.count == referenceFaces.count && !faces.isEmpty, "\(name)")
    for (face, reference) in zip(faces, referenceFaces) {
      let overlap = inclusiveBox(of: face).intersectionOverUnion(with: inclusiveBox(of: reference))
      let confidence = abs(face.confidence - reference.confidence)
      #expect(overlap >= 0.8 && confidence <= 1e-3, "\(name): IoU \(overlap), Δ \(confidence)")

      let candidates = detector.faceCandidates(
        in: image, covering: inclusiveBox(of: face), minimumOverlap: 0.3, floor: floor)
      let covers = { (box: CandidateBox) in
        box.edges.intersectionOverUnion(with: inclusiveBox(of: face)) >= 0.3
      }
      // Stage 2: the proposals covering the face that R-Net scores above its floor.
      let rnet = try #require(
        detector.runOnCrops(detector.rnet, boxes: proposals, size: 24, in: photo))
      let expectedRNet = proposals.indices.filter { k in
        covers(proposals[k]) && Double(rnet[1][k * 2 + 1]) >= thresholds.rnet - floor
      }
      #expect(candidates.rnetBoxes == expectedRNet.map { proposals[$0] }, "\(name)")
      #expect(
        zip(probabilities(of: .rnet, in: candidates), expectedRNet.map { rnet[1][$0 * 2 + 1] })
          .allSatisfy { abs($0 - $1) <= Self.probabilityTolerance }, "\(name)")
      // Stage 3: the refined candidates covering the face that O-Net scores above its floor.
      let covering = refined.map { $0.truncated() }.filter(covers)
      let onet = try #require(
        detector.runOnCrops(detector.onet, boxes: covering, size: 48, in: photo))
      let expectedONet = covering.indices.filter { k in
        Double(onet[2][k * 2 + 1]) >= thresholds.onet - floor
      }
      #expect(candidates.onetBoxes == expectedONet.map { covering[$0] }, "\(name)")
      let onetProbabilities = probabilities(of: .onet, in: candidates)
      #expect(
        zip(onetProbabilities, expectedONet.map { onet[2][$0 * 2 + 1] })
          .allSatisfy { abs($0 - $1) <= Self.probabilityTolerance }, "\(name)")
      // The reference detection of this face is one of the O-Net candidates.
      #expect(
        onetProbabilities.contains { abs($0 - reference.confidence) <= Self.probabilityTolerance },
        "\(name): \(reference.confidence) not in \(onetProbabilities)")
    }
  }

  /// Every candidate covers the face and scores above its stage's threshold minus the floor; the
  /// stages come in cascade order; a detected face has a passing O-Net candidate; the value of
  /// `faceScoresWithPullback` is `faceScores`'.
  @Test(.enabled(if: SharedData.isAvailable(for: "candidatesCoverTheFaceAboveTheFloor")))
  func candidatesCoverTheFaceAboveTheFloor() throws {
    let detector = try MTCNN()
    let photo = try RGBImage(contentsOf: SharedData.url("data/faces/ivan.jpg"))
    let image = Tensor(image: photo)
    let face = inclusiveBox(of: try #require(detector.detect(in: photo).first))
    let scores = detector.faceScores(in: image, covering: face, minimumOverlap: 0.4, floor: 0.2)
    let stages = scores.stages
    #expect(Set(stages) == [.pnet, .rnet, .onet])
    #expect(stages == stages.sorted { rank($0) < rank($1) })
    #expect(scores.margins.shape == [stages.count] && scores.boxes.count == stages.count)
    for (box, margin) in zip(scores.boxes, scores.margins.scalars) {
      #expect(box.intersectionOverUnion(with: face) >= 0.4, "\(box)")
      #expect(margin >= -0.2 - 1e-6, "\(margin)")
    }
    let onetMargins = zip(stages, scores.margins.scalars).filter { $0.0 == .onet }.map(\.1)
    #expect(onetMargins.contains { $0 > 0 })

    let withPullback = detector.faceScoresWithPullback(
      in: image, covering: face, minimumOverlap: 0.4, floor: 0.2
    ).value
    #expect(withPullback.stages == stages && withPullback.boxes == scores.boxes)
    let difference =
      zip(withPullback.margins.scalars, scores.margins.scalars)
      .map { abs($0 - $1) }.max() ?? 0
    #expect(difference <= 1e-6)
    // A lower floor and a looser overlap only add candidates.
    let more = detector.faceScores(in: image, covering: face, minimumOverlap: 0.3, floor: 0.4)
    #expect(more.stages.count > stages.count)
  }

  /// Without a face: no candidates, margins `[0]`, and the pullback gives zeros.
  @Test func imageWithoutAFaceHasNoCandidates() throws {
    let detector = try MTCNN()
    let box = BoxEdges(left: 40, top: 30, right: 119, bottom: 129, counting: .inclusive)
    for image in [
      Tensor(repeating: 128, shape: [1, 160, 200, 3]),
      Tensor(repeating: 90, shape: [1, 19, 300, 3]),
    ] {
      let (scores, pullback) = detector.faceScoresWithPullback(in: image, covering: box)
      #expect(scores.margins.shape == [0] && scores.stages.isEmpty && scores.boxes.isEmpty)
      let gradient = pullback(Tensor(zeros: [0]))
      #expect(gradient.shape == image.shape && gradient.maxAbs() == 0)
      #expect(detector.faceScores(in: image, covering: box).margins.shape == [0])
    }
  }

  /// A face covered by none of the candidates (its box far from the faces): none scored.
  @Test(.enabled(if: SharedData.isAvailable(for: "boxAwayFromTheFacesHasNoCandidates")))
  func boxAwayFromTheFacesHasNoCandidates() throws {
    let detector = try MTCNN()
    let photo = try RGBImage(contentsOf: SharedData.url("data/faces/obama.jpg"))
    let corner = BoxEdges(left: 20, top: 700, right: 219, bottom: 899, counting: .inclusive)
    #expect(
      detector.detect(in: photo).allSatisfy {
        inclusiveBox(of: $0).intersectionOverUnion(with: corner) == 0
      })
    let scores = detector.faceScores(in: Tensor(image: photo), covering: corner)
    #expect(scores.margins.shape == [0])
  }

  private func probabilities(of stage: MTCNNFaceScores.Stage, in candidates: MTCNNFaceCandidates)
    -> [Float]
  {
    zip(candidates.stages, candidates.probabilities).filter { $0.0 == stage }.map(\.1)
  }

  private func rank(_ stage: MTCNNFaceScores.Stage) -> Int {
    switch stage {
    case .pnet: 0
    case .rnet: 1
    case .onet: 2
    }
  }
}

/// The box of `face` with the package's inclusive edges, as `MTCNN.faceScores` takes it.
func inclusiveBox(of face: FaceDetection) -> BoxEdges {
  BoxEdges(left: face.x1, top: face.y1, right: face.x2, bottom: face.y2, counting: .inclusive)
}
