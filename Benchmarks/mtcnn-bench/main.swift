// mtcnn-bench: MTCNN detection time and peak memory per photo, checked against the `mtcnn`
// package's detections (Tests/FaceNetsTests/Fixtures/mtcnn/detections.json).
//
//   swift run -c release mtcnn-bench                 # the environment as it is
//   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE swift run -c release mtcnn-bench
//
// Photos: every test photo of ../shared/data/faces and ../shared/data/seed (FACEADVERSARY_SHARED
// overrides the folder), plus two_people.jpg resized to 1280x720 and 1920x1080 (INTER_AREA).
// Times are wall clock (the detector uses all compute threads), one warm-up run, then the median
// and minimum of 7 runs. "peak MiB" is the process's peak resident memory during that photo's
// runs (VmHWM, reset before each photo through /proc/self/clear_refs) above the resident memory
// before them. The summary line is the median over the ten photos of ../shared/docs/peer-figures.md
// (the 8 in faces/ plus seed/index.jpeg and seed/sharon_stone1.jpg), which measured the `mtcnn`
// package at 420 ms and facenet-pytorch at 60 ms on this machine type.

import FaceNets
import FaceTensor
import FaceTestSupport
import Foundation

BenchmarkReport.printHeader(
  "mtcnn-bench: MTCNN (mtcnn 0.1.1 weights and semantics), default options")
let loadAverage =
  (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
  .split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
print("load average at start: \(loadAverage)")

let detector: MTCNN
do {
  detector = try MTCNN()
} catch {
  print("mtcnn-bench: \(error)")
  exit(1)
}

/// One reference face of `detections.json`.
struct ReferenceFace: Decodable {
  let confidence: Double
  let rawBox: [Double]
  let rawKeypoints: [String: [Double]]

  enum CodingKeys: String, CodingKey {
    case confidence
    case rawBox = "raw_box_x1y1x2y2"
    case rawKeypoints = "raw_keypoints"
  }
}

/// `detections.json`: per photo name, its folder path and faces.
struct ReferenceFile: Decodable {
  struct Image: Decodable {
    let path: String
    let faces: [ReferenceFace]
  }
  let images: [String: Image]
}

let referenceURL = SharedData.packageRoot.appendingPathComponent(
  "Tests/FaceNetsTests/Fixtures/mtcnn/detections.json")
guard let referenceData = try? Data(contentsOf: referenceURL),
  let reference = try? JSONDecoder().decode(ReferenceFile.self, from: referenceData)
else {
  print("mtcnn-bench: cannot read \(referenceURL.path)")
  exit(1)
}

/// The peer-figures photo set (../shared/docs/peer-figures.md).
let peerPhotos: Set<String> = [
  "ivan.jpg", "no_faces_cartoon.jpg", "obama.jpg", "obama_rgba_32bit.png", "two_people.jpg",
  "two_people_gray.jpg", "voc_2007_007763.jpg", "voc_2008_007676.jpg", "index.jpeg",
  "sharon_stone1.jpg",
]

/// Intersection over union of `[x1, y1, x2, y2]` boxes.
func overlap(_ a: [Double], _ b: [Double]) -> Double {
  let width = max(0, min(a[2], b[2]) - max(a[0], b[0]))
  let height = max(0, min(a[3], b[3]) - max(a[1], b[1]))
  let union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - width * height
  return union > 0 ? width * height / union : 0
}

/// "faces n/ref, min IoU, max |confidence delta|, max landmark delta (px)" against the reference.
func comparison(_ faces: [FaceDetection], _ expected: [ReferenceFace]) -> String {
  var minimumIoU = 1.0
  var confidence = 0.0
  var landmark = 0.0
  for (face, reference) in zip(faces, expected) {
    minimumIoU = min(minimumIoU, overlap([face.x1, face.y1, face.x2, face.y2], reference.rawBox))
    confidence = max(confidence, abs(Double(face.confidence) - reference.confidence))
    let xs = reference.rawKeypoints["x"] ?? []
    let ys = reference.rawKeypoints["y"] ?? []
    for (k, point) in face.landmarks.points.enumerated() where k < xs.count && k < ys.count {
      landmark = max(landmark, abs(point.x - xs[k]), abs(point.y - ys[k]))
    }
  }
  let count = "\(faces.count)/\(expected.count)"
  guard !faces.isEmpty else { return count.padding(toLength: 6, withPad: " ", startingAt: 0) }
  return count.padding(toLength: 6, withPad: " ", startingAt: 0)
    + String(
      format: " IoU>=%.4f  dconf<=%.1e  dlandmark<=%.3f px", minimumIoU, confidence, landmark)
}

/// Resets the process's peak resident memory (VmHWM) to the current resident memory.
func resetPeakMemory() {
  try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

var photos: [(name: String, image: RGBImage, expected: [ReferenceFace]?)] = []
for (name, entry) in reference.images.sorted(by: { $0.key < $1.key }) {
  let relative = "data/" + entry.path.split(separator: "/").suffix(2).joined(separator: "/")
  guard let image = try? RGBImage(contentsOf: SharedData.url(relative)) else {
    print("mtcnn-bench: cannot read \(SharedData.url(relative).path)")
    exit(1)
  }
  photos.append((name, image, entry.faces))
}
if let twoPeople = photos.first(where: { $0.name == "two_people.jpg" })?.image {
  for (width, height) in [(1280, 720), (1920, 1080)] {
    photos.append(
      (
        "two_people \(width)x\(height)",
        twoPeople.resized(width: width, height: height, method: .area), nil
      ))
  }
}

print(
  "\n" + "photo".padding(toLength: 26, withPad: " ", startingAt: 0)
    + "   size       median ms   min ms  peak MiB  faces vs mtcnn 0.1.1")
var peerMedians: [Double] = []
var largestPeak = 0.0
for photo in photos {
  var faces = detector.detect(in: photo.image)
  let resident = BenchmarkClock.residentMiB()
  resetPeakMemory()
  let timing = BenchmarkClock.measure(repetitions: 7, warmup: 0, singleThreaded: false) {
    faces = detector.detect(in: photo.image)
  }
  largestPeak = max(largestPeak, BenchmarkClock.peakResidentMiB())
  let peak = BenchmarkClock.peakResidentMiB() - resident
  if peerPhotos.contains(photo.name) { peerMedians.append(timing.median) }
  let size = "\(photo.image.width)x\(photo.image.height)"
  let check = photo.expected.map { comparison(faces, $0) } ?? "\(faces.count)"
  print(
    photo.name.padding(toLength: 26, withPad: " ", startingAt: 0)
      + size.padding(toLength: 11, withPad: " ", startingAt: 0)
      + String(format: " %9.1f %8.1f %9.1f  ", timing.median, timing.minimum, peak) + check)
}
let peerMedian = Timing(samples: peerMedians).median
print(
  String(
    format:
      "\nmedian over the %d peer-figures photos: %.1f ms (target <= 30 ms with AVX-512 kernels; "
      + "facenet-pytorch 60 ms, mtcnn 0.1.1 420 ms)", peerMedians.count, peerMedian))
print(
  String(
    format: "largest peak resident memory of the process during a photo: %.1f MiB", largestPeak))
