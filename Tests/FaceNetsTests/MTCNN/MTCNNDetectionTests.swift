import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// The whole detector against `MTCNN().detect_faces(img)` of `mtcnn==0.1.1` on every test photo
/// (`detections.json`), and its options and edge cases.
@Suite struct MTCNNDetectionTests {
  @Test func fixtureListsEveryTestPhoto() throws {
    let names = try MTCNNFixtures.detections().images.keys.sorted()
    #expect(names.count == 12)
    #expect(MTCNNFixtures.photoNames == names)
  }

  /// Same faces in the same order: box IoU >= 0.95, confidence within 0.01, landmarks within
  /// 2 px (exact and as reported).
  @Test(
    .enabled(if: MTCNNFixtures.hasPhotos(for: "detectionsMatchThePackage")),
    arguments: MTCNNFixtures.photoNames)
  func detectionsMatchThePackage(_ name: String) throws {
    let reference = try #require(MTCNNFixtures.detections().images[name])
    let photo = try MTCNNFixtures.photo(reference)
    #expect(photo.width == reference.width && photo.height == reference.height)
    let faces = try MTCNN().detect(in: photo)
    #expect(faces.count == reference.faces.count, "\(name)")
    for (index, (face, expected)) in zip(faces, reference.faces).enumerated() {
      let overlap = edges([face.x1, face.y1, face.x2, face.y2])
        .intersectionOverUnion(with: edges(expected.rawBox))
      #expect(overlap >= 0.95, "\(name) face \(index): IoU \(overlap)")
      let confidence = abs(Double(face.confidence) - expected.confidence)
      #expect(confidence <= 0.01, "\(name) face \(index): confidence differs by \(confidence)")
      let points = face.landmarks.points
      for (k, key) in FaceLandmarks.names.enumerated() {
        let exact = max(
          abs(points[k].x - expected.rawKeypoints.x[k]),
          abs(points[k].y - expected.rawKeypoints.y[k]))
        #expect(exact <= 2, "\(name) face \(index) \(key): \(exact) px")
        let reported = face.reportedLandmarks[k]
        let keypoint = try #require(expected.keypoints[key])
        #expect(
          abs(reported.x - keypoint[0]) <= 2 && abs(reported.y - keypoint[1]) <= 2,
          "\(name) face \(index) \(key): \(reported) vs \(keypoint)")
      }
    }
  }

  /// A stricter O-Net threshold keeps exactly the faces above it: the final NMS only lets
  /// higher-scoring boxes remove lower-scoring ones.
  @Test(.enabled(if: MTCNNFixtures.hasPhotos(for: "stricterONetThresholdKeepsTheConfidentFaces")))
  func stricterONetThresholdKeepsTheConfidentFaces() throws {
    let reference = try #require(MTCNNFixtures.detections().images["voc_2008_007676.jpg"])
    let photo = try MTCNNFixtures.photo(reference)
    let strict = try MTCNN(options: MTCNNOptions(thresholds: StageThresholds(onet: 0.999)))
    let faces = strict.detect(in: photo)
    let expected = reference.faces.filter { $0.confidence > 0.999 }
    #expect(!expected.isEmpty && expected.count < reference.faces.count)
    #expect(faces.count == expected.count)
    for (face, reference) in zip(faces, expected) {
      let box = face.reportedBox
      let offsets = zip([box.x, box.y, box.width, box.height], reference.box).map { abs($0 - $1) }
      #expect(offsets.allSatisfy { $0 <= 2 }, "\(box) vs \(reference.box)")
    }
  }

  @Test func imageSmallerThanTheMinimumFaceHasNoFaces() throws {
    let detector = try MTCNN()
    #expect(detector.detect(in: RGBImage(width: 19, height: 300, red: 200)).isEmpty)
    #expect(detector.detect(in: RGBImage(width: 0, height: 0)).isEmpty)
  }

  @Test func uniformImageHasNoFaces() throws {
    #expect(try MTCNN().detect(in: RGBImage(width: 64, height: 48, green: 128)).isEmpty)
  }

  @Test func reportedBoxAndLandmarksTruncateAsThePackage() {
    let point = FacePoint(x: -0.7, y: 12.9)
    let face = FaceDetection(
      x1: -3.5, y1: 10.8, x2: 40.2, y2: 60.99, confidence: 0.9,
      landmarks: FaceLandmarks(
        leftEye: point, rightEye: point, nose: point, mouthLeft: point, mouthRight: point))
    // x = max(0, int(-3.5)) = 0, width = int(40.2 - 0); y = 10, height = int(60.99 - 10).
    #expect(face.reportedBox == PixelBox(x: 0, y: 10, width: 40, height: 50))
    #expect(face.reportedLandmarks.allSatisfy { $0 == PixelPoint(x: 0, y: 12) })
  }

  /// Each invalid option and the message naming it.
  @Test(arguments: [
    (MTCNNOptions(minFaceSize: 3), "minFaceSize must be at least 4, got 3"),
    (MTCNNOptions(scaleFactor: 1), "scaleFactor must be in 0.1...0.95, got 1.0"),
    (MTCNNOptions(scaleFactor: 0), "scaleFactor must be in 0.1...0.95, got 0.0"),
    (MTCNNOptions(scaleFactor: 0.99999999), "scaleFactor must be in 0.1...0.95, got 0.99999999"),
    (MTCNNOptions(scaleFactor: 0.09), "scaleFactor must be in 0.1...0.95, got 0.09"),
    (MTCNNOptions(scaleFactor: .nan), "scaleFactor must be in 0.1...0.95, got nan"),
    (
      MTCNNOptions(thresholds: StageThresholds(rnet: 1.5)),
      "thresholds.rnet must be in 0...1, got 1.5"
    ),
    (
      MTCNNOptions(thresholds: StageThresholds(onet: .nan)),
      "thresholds.onet must be in 0...1, got nan"
    ),
  ])
  func invalidOptionsAreRejected(_ options: MTCNNOptions, message: String) throws {
    #expect(throws: MTCNNError.self) { try MTCNN(options: options) }
    do {
      try options.validate()
      Issue.record("\(options) was accepted")
    } catch {
      #expect(error.description == message)
    }
    let detector = try MTCNN()
    #expect(throws: MTCNNError.self) { try detector.with(options: options) }
  }

  @Test func otherOptionsKeepTheNetworks() throws {
    let detector = try MTCNN()
    let options = MTCNNOptions(
      minFaceSize: 40, scaleFactor: 0.5, thresholds: StageThresholds(pnet: 0.8))
    let other = try detector.with(options: options)
    #expect(other.options == options)
    #expect(other.pnet.parameterList == detector.pnet.parameterList)
  }
}
