import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// `Fixtures/dlib_cnn/detections.json`, written by `Scripts/reference/dlib_cnn_reference.py`
/// with dlib 20.0.0's `cnn_face_detection_model_v1(img, upsample)` (the fields these tests use).
struct DlibMMODReference: Decodable {
  struct Run: Decodable {
    let rects_ltrb: [[Int]]
    let confidences: [Double]
  }
  struct Photo: Decodable {
    let path: String
    let width: Int
    let height: Int
    let upsample0: Run
    let upsample1: Run
  }
  let photos: [Photo]

  static let shared: DlibMMODReference? = {
    guard
      let url = Bundle.module.resourceURL?.appendingPathComponent(
        "Fixtures/dlib_cnn/detections.json"),
      let data = try? Data(contentsOf: url)
    else { return nil }
    return try? JSONDecoder().decode(DlibMMODReference.self, from: data)
  }()
}

/// The Swift detector against dlib 20.0.0's on every photo of `../shared/data/faces` and
/// `../shared/data/seed`, at upsample 0 and 1 (`face_recognition`'s `model="cnn"` default): the
/// same faces in the same order, each corner within 1 pixel, each confidence within 1e-3.
@Suite(.enabled(if: SharedData.isAvailable(for: "DlibMMODDetectionTests"), "needs ../shared"))
struct DlibMMODDetectionTests {
  static let cornerTolerance = 1
  static let confidenceTolerance = 1e-3

  let reference: DlibMMODReference
  let detector: DlibMMODFaceDetector

  init() throws {
    reference = try #require(DlibMMODReference.shared, "Fixtures/dlib_cnn/detections.json")
    detector = try InstalledMMODDetector.detector()
  }

  @Test(arguments: DlibMMODReference.shared?.photos.map(\.path) ?? [])
  func findsDlibsFaces(_ path: String) throws {
    let photo = try #require(reference.photos.first { $0.path == path })
    let image = try RGBImage(contentsOf: SharedData.url(path))
    #expect(image.width == photo.width && image.height == photo.height)
    for (upsample, expected) in [(0, photo.upsample0), (1, photo.upsample1)] {
      let found = detector.detect(in: image, upsample: upsample)
      let what = "\(path) upsample \(upsample)"
      try #require(
        found.count == expected.rects_ltrb.count,
        "\(what): \(found.map(\.rectangle)), dlib \(expected.rects_ltrb)")
      for (detection, (ltrb, confidence)) in zip(
        found, zip(expected.rects_ltrb, expected.confidences))
      {
        let r = detection.rectangle
        let corners = [r.left, r.top, r.right, r.bottom]
        #expect(
          zip(corners, ltrb).allSatisfy { abs($0 - $1) <= Self.cornerTolerance },
          "\(what): \(corners), dlib \(ltrb)")
        #expect(
          abs(detection.confidence - confidence) <= Self.confidenceTolerance,
          "\(what): confidence \(detection.confidence), dlib \(confidence)")
      }
    }
  }
}
