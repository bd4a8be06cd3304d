import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// Each stage of the cascade against the package's intermediate candidates (`stages.json`, 4
/// decimals), fed the package's own input to that stage so that differences stay local.
@Suite(.enabled(if: MTCNNFixtures.hasPhotos(for: "MTCNNStageTests")))
struct MTCNNStageTests {
  /// Scores and coordinates are compared after the fixture's rounding to 4 decimals, and the
  /// networks differ from TensorFlow's by about 1e-6: 1e-3 and 0.01 px leave room for both.
  static let scoreTolerance = 1e-3
  static let pixelTolerance = 0.01

  private func load(_ name: String) throws -> (MTCNN, RGBImage, ReferenceStageImage) {
    let reference = try #require(MTCNNFixtures.stages().images[name])
    let photo = try MTCNNFixtures.photo(#require(MTCNNFixtures.detections().images[name]))
    return (try MTCNN(), photo, reference)
  }

  private func largestDifference(_ a: [Double], _ b: [Double]) -> Double {
    a.count == b.count ? zip(a, b).map { abs($0 - $1) }.max() ?? 0 : .infinity
  }

  /// P-Net finds the same cells on every level and keeps the same number after each level's NMS.
  @Test(arguments: MTCNNFixtures.photoNames)
  func pnetFindsThePackagesCellsOnEveryLevel(_ name: String) throws {
    let (detector, photo, reference) = try load(name)
    for level in reference.levels {
      let windows = detector.pnetWindows(
        in: MTCNNPyramid.level(of: photo, scale: level.scale), scale: level.scale)
      let kept = nonMaximumSuppression(windows, threshold: 0.5, measure: .union)
      #expect(
        windows.count == level.candidates && kept.count == level.afterNMS,
        "\(name) level \(level.size)")
    }
  }

  /// Stage 1's output (after both NMS, regression, squaring, truncation): the same boxes.
  @Test(arguments: MTCNNFixtures.photoNames)
  func stage1GivesThePackagesProposals(_ name: String) throws {
    let (detector, photo, reference) = try load(name)
    let proposals = detector.proposals(in: photo)
    let expected = reference.stage1.output
    #expect(proposals.count == expected.count, "\(name)")
    for (box, row) in zip(proposals, expected) {
      #expect(
        [box.x1, box.y1, box.x2, box.y2] == Array(row[0..<4]),
        "\(name): score \(box.score) vs \(row[4])")
    }
  }

  /// R-Net on the package's stage-1 boxes: the same scores for every candidate and the same
  /// refined boxes.
  @Test(arguments: MTCNNFixtures.photoNames)
  func stage2OnThePackagesProposals(_ name: String) throws {
    let (detector, photo, reference) = try load(name)
    let proposals = reference.stage1.output.map(CandidateBox.init(row:))
    guard let expectedScores = reference.stage2.rnetScores else {
      #expect(proposals.isEmpty, "\(name): stage 2 ran on no proposals")
      return
    }
    let outputs = try #require(
      detector.runOnCrops(detector.rnet, boxes: proposals, size: 24, in: photo))
    let scores = stride(from: 1, to: outputs[1].count, by: 2).map { Double(outputs[1][$0]) }
    let scoreDifference = largestDifference(scores, expectedScores)
    #expect(
      scoreDifference <= Self.scoreTolerance, "\(name): R-Net scores differ by \(scoreDifference)")

    let refined = detector.refine(proposals, in: photo)
    let expected = reference.stage2.output ?? []
    #expect(refined.count == expected.count, "\(name)")
    for (box, row) in zip(refined, expected) {
      let difference = largestDifference([box.x1, box.y1, box.x2, box.y2], Array(row[0..<4]))
      #expect(difference <= Self.pixelTolerance, "\(name): a box differs by \(difference) px")
      #expect(abs(box.score - row[4]) <= Self.scoreTolerance, "\(name)")
    }
  }

  /// O-Net on the package's stage-3 input boxes: the same scores, faces and landmarks.
  @Test(arguments: MTCNNFixtures.photoNames)
  func stage3OnThePackagesCandidates(_ name: String) throws {
    let (detector, photo, reference) = try load(name)
    guard let inputBoxes = reference.stage3.inputBoxes else {
      #expect((reference.stage2.output ?? []).isEmpty, "\(name): stage 3 ran on no candidates")
      return
    }
    let candidates = inputBoxes.map { row in
      CandidateBox(
        x1: Double(row[0]), y1: Double(row[1]), x2: Double(row[2]), y2: Double(row[3]), score: 0)
    }
    let outputs = try #require(
      detector.runOnCrops(detector.onet, boxes: candidates, size: 48, in: photo))
    let scores = stride(from: 1, to: outputs[2].count, by: 2).map { Double(outputs[2][$0]) }
    let scoreDifference = largestDifference(scores, reference.stage3.onetScores ?? [])
    #expect(
      scoreDifference <= Self.scoreTolerance, "\(name): O-Net scores differ by \(scoreDifference)")

    let faces = detector.finish(candidates, in: photo)
    let expected = reference.stage3.output ?? []
    let expectedPoints = reference.stage3.points ?? []
    #expect(faces.count == expected.count, "\(name)")
    for ((face, row), points) in zip(zip(faces, expected), expectedPoints) {
      let box = largestDifference([face.x1, face.y1, face.x2, face.y2], Array(row[0..<4]))
      #expect(box <= Self.pixelTolerance, "\(name): a box differs by \(box) px")
      let found = face.landmarks.points.map(\.x) + face.landmarks.points.map(\.y)
      let landmarks = largestDifference(found, points)
      #expect(landmarks <= Self.pixelTolerance, "\(name): landmarks differ by \(landmarks) px")
    }
  }
}
