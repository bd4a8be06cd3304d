import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// The Swift detector against dlib 20.0.1's `detector.run(img, upsample, 0.0)` on every photo of
/// `../shared/data/faces` and `../shared/data/seed` (`Fixtures/dlib_hog/detections.json`).
@Suite(.enabled(if: SharedData.isAvailable(for: "DlibHOGDetectionTests"), "needs ../shared"))
struct DlibHOGDetectionTests {
  /// Largest score difference accepted.
  ///
  /// The port reproduces dlib's arithmetic, including its
  /// separable filters; only their SVD differs (Jacobi here, LAPACK in dlib), and on these
  /// photos every score came out bit-identical, so none is accepted.
  static let scoreTolerance = 0.0

  let reference: DlibHOGReference
  let detector: DlibHOGFaceDetector

  init() throws {
    reference = try #require(DlibHOGReference.shared)
    detector = try #require(BundledHOGDetector.detector)
  }

  private func check(
    _ found: [DlibHOGFaceDetector.Detection], _ expected: DlibHOGReference.Run,
    _ what: String
  ) {
    #expect(found.map(\.rectangle) == expected.rectangles, "\(what): rectangles")
    #expect(found.map(\.filterIndex) == expected.filter_indices, "\(what): filter indices")
    for (detection, score) in zip(found, expected.scores) {
      #expect(
        abs(detection.score - score) <= Self.scoreTolerance,
        "\(what): score \(detection.score), dlib \(score)")
    }
  }

  @Test(arguments: DlibHOGReference.shared?.photos.map(\.path) ?? [])
  func upsampledOnceGivesDlibsRectangles(_ path: String) throws {
    let photo = try #require(reference.photos.first { $0.path == path })
    let image = try RGBImage(contentsOf: SharedData.url(path))
    #expect(image.width == photo.width && image.height == photo.height)
    check(detector.detect(in: image, upsample: 1), photo.upsample1, "\(path) upsample 1")
  }

  @Test(arguments: DlibHOGReference.shared?.photos.map(\.path) ?? [])
  func withoutUpsamplingGivesDlibsRectangles(_ path: String) throws {
    let photo = try #require(reference.photos.first { $0.path == path })
    let image = try RGBImage(contentsOf: SharedData.url(path))
    check(detector.detect(in: image, upsample: 0), photo.upsample0, "\(path) upsample 0")
  }

  @Test func aWindowAroundEachFaceFindsTheFullSearchsDetectionsInIt() throws {
    for path in ["data/faces/two_people.jpg", "data/faces/voc_2008_007676.jpg"] {
      let photo = try #require(reference.photos.first { $0.path == path })
      let image = try RGBImage(contentsOf: SharedData.url(path))
      let expected = photo.upsample1
      for rectangle in expected.rectangles {
        // A box like another detector's: shifted and resized by a few pixels.
        let box = DlibRectangle(
          left: rectangle.left + 3, top: rectangle.top - 2, right: rectangle.right + 5,
          bottom: rectangle.bottom + 4)
        let window = DlibHOGFaceDetector.SearchWindow.around(box, margin: 0.25, sizeFactor: 1.5)
        let found = detector.detect(in: image, upsample: 1, within: window)
        let inWindow = expected.rectangles.indices.filter {
          window.admits(expected.rectangles[$0])
        }
        #expect(inWindow.contains { expected.rectangles[$0] == rectangle })
        #expect(
          found.map(\.rectangle) == inWindow.map { expected.rectangles[$0] },
          "\(path) near \(box)")
        #expect(found.map(\.filterIndex) == inWindow.map { expected.filter_indices[$0] })
        for (detection, i) in zip(found, inWindow) {
          #expect(abs(detection.score - expected.scores[i]) <= Self.scoreTolerance)
        }
      }
    }
  }

  @Test func aWindowWithoutFacesFindsNothing() throws {
    let image = try RGBImage(contentsOf: SharedData.url("data/faces/two_people.jpg"))
    let window = DlibHOGFaceDetector.SearchWindow(
      region: DlibRectangle(left: 500, top: 400, right: 600, bottom: 500), widths: 40...120)
    #expect(detector.detect(in: image, within: window).isEmpty)
  }
}
