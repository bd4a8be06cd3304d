// hog-bench: dlib's HOG frontal face detector (DlibHOGFaceDetector) per photo: the full search
// at upsample 1 and the search restricted to a window around each face it finds, with the
// rectangles checked against dlib 20.0.1's (Tests/FaceNetsTests/Fixtures/dlib_hog/detections.json).
//
//   swift run -c release hog-bench
//
// Photos: ../shared/data/faces/two_people.jpg, obama.jpg, voc_2008_007676.jpg and
// ../shared/data/seed/index.jpeg (FACEADVERSARY_SHARED overrides the folder). Wall-clock times
// (the detector uses all compute threads), one warm-up run, then the median and minimum of 5.
// The window around a face is `SearchWindow.around(face, margin: 0.25, sizeFactor: 1.5)`.

import FaceNets
import FaceTensor
import FaceTestSupport
import Foundation

BenchmarkReport.printHeader("hog-bench: dlib HOG frontal face detector, upsample 1")
print("load average at start: \(BenchmarkReport.loadAverage())")

/// The fields of the reference fixture this benchmark checks.
struct Reference: Decodable {
  struct Run: Decodable { let rects_ltrb: [[Int]] }
  struct Photo: Decodable {
    let path: String
    let upsample1: Run
  }
  let photos: [Photo]
}

let detector: DlibHOGFaceDetector
let reference: Reference
do {
  detector = try DlibHOGFaceDetector.frontalFaceDetector()
  let fixture = SharedData.packageRoot.appendingPathComponent(
    "Tests/FaceNetsTests/Fixtures/dlib_hog/detections.json")
  reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixture))
} catch {
  print("hog-bench: \(error)")
  exit(1)
}

for path in [
  "data/faces/two_people.jpg", "data/faces/obama.jpg", "data/faces/voc_2008_007676.jpg",
  "data/seed/index.jpeg",
] {
  guard let image = try? RGBImage(contentsOf: SharedData.url(path)) else {
    print("\(path): cannot be read (set FACEADVERSARY_SHARED)")
    continue
  }
  let expected = reference.photos.first { $0.path == path }?.upsample1.rects_ltrb ?? []
  var found: [DlibHOGFaceDetector.Detection] = []
  let full = BenchmarkClock.measure(singleThreaded: false) {
    found = detector.detect(in: image, upsample: 1)
  }
  let rectangles = found.map {
    [$0.rectangle.left, $0.rectangle.top, $0.rectangle.right, $0.rectangle.bottom]
  }
  print(
    "\(path) \(image.width)x\(image.height): full search \(full), \(found.count) faces, "
      + (rectangles == expected ? "= dlib's rectangles" : "DIFFERENT from dlib's rectangles"))
  for face in found {
    let window = DlibHOGFaceDetector.SearchWindow.around(
      face.rectangle, margin: 0.25, sizeFactor: 1.5)
    var near: [DlibHOGFaceDetector.Detection] = []
    let restricted = BenchmarkClock.measure(singleThreaded: false) {
      near = detector.detect(in: image, upsample: 1, within: window)
    }
    let same = near.contains { $0.rectangle == face.rectangle && $0.score == face.score }
    print("  window around \(face.rectangle): \(restricted), finds it: \(same)")
  }
}
