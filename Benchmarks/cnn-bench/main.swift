// cnn-bench: dlib's CNN face detector (DlibMMODFaceDetector) at upsample 1, as
// face_recognition.face_locations(img, model="cnn") runs it: time and peak memory per photo, for
// every photo of ../shared/data and a 1-megapixel photo (two_people.jpg resized to 1224 x 816),
// with dlib 20.0.0's own figures from Tests/FaceNetsTests/Fixtures/dlib_cnn/detections.json beside
// them (measured by Scripts/reference/dlib_cnn_reference.py; the CPU it ran on is printed).
//
//   swift run -c release cnn-bench
//
// Wall-clock times (the detector uses all compute threads): one warm-up run, then the median and
// minimum of 3. Peak memory is the process's resident peak (VmHWM), reset before each photo.

import FaceNets
import FaceTensor
import FaceTestSupport
import Foundation

BenchmarkReport.printHeader("cnn-bench: dlib CNN (MMOD) face detector, upsample 1")
print("load average at start: \(BenchmarkReport.loadAverage())")

/// The fields of the reference fixture this benchmark prints.
struct Reference: Decodable {
  struct Run: Decodable { let rects_ltrb: [[Int]] }
  struct Photo: Decodable {
    let path: String
    let upsample1: Run
    let seconds_upsample1: Double
    let cpu_seconds_upsample1: Double
  }
  struct Machine: Decodable {
    let cpu: String
    let load_average_1min_at_end: Double
  }
  let photos: [Photo]
  let machine: Machine
}

/// Resets the process's peak resident set size (Linux: `5` into /proc/self/clear_refs).
func resetPeakMemory() {
  try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

let detector: DlibMMODFaceDetector
let reference: Reference
do {
  let url =
    ModelSearchPath.firstExisting(DlibModelFile.mmodHumanFaceDetector.name)
    ?? ModelSearchPath.folders()[0].appendingPathComponent(DlibModelFile.mmodHumanFaceDetector.name)
  detector = try DlibMMODFaceDetector(contentsOf: url)
  let fixture = SharedData.packageRoot.appendingPathComponent(
    "Tests/FaceNetsTests/Fixtures/dlib_cnn/detections.json")
  reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixture))
} catch {
  print("cnn-bench: \(error) (run make setup)")
  exit(1)
}
print(
  "dlib 20.0.0 figures: measured on \(reference.machine.cpu), load average "
    + "\(reference.machine.load_average_1min_at_end) when they ended (wall / process CPU time)")

var photos: [(name: String, image: RGBImage, dlib: Reference.Photo?)] = []
for entry in reference.photos {
  guard let image = try? RGBImage(contentsOf: SharedData.url(entry.path)) else {
    print("\(entry.path): cannot be read (set FACEADVERSARY_SHARED)")
    continue
  }
  photos.append((entry.path, image, entry))
}
if let two = photos.first(where: { $0.name.hasSuffix("two_people.jpg") }) {
  photos.append(
    (
      "1-megapixel (two_people.jpg at 1224x816)",
      two.image.resized(width: 1224, height: 816, method: .bilinear), nil
    ))
}

var total = 0.0
var dlibTotal = 0.0
for (name, image, dlib) in photos {
  resetPeakMemory()
  var found: [DlibMMODFaceDetector.Detection] = []
  let timing = BenchmarkClock.measure(repetitions: 3, warmup: 1, singleThreaded: false) {
    found = detector.detect(in: image, upsample: 1)
  }
  let peak = BenchmarkClock.peakResidentMiB()
  total += timing.median
  var line =
    "\(name) \(image.width)x\(image.height): \(timing), peak \(Int(peak)) MiB, "
    + "\(found.count) faces"
  if let dlib {
    dlibTotal += dlib.seconds_upsample1 * 1000
    let same =
      found.map { [$0.rectangle.left, $0.rectangle.top, $0.rectangle.right, $0.rectangle.bottom] }
      == dlib.upsample1.rects_ltrb
    line +=
      (same ? " (= dlib's rectangles)" : " (DIFFERENT from dlib's rectangles)")
      + String(
        format: "; dlib %.0f ms wall, %.0f ms CPU", dlib.seconds_upsample1 * 1000,
        dlib.cpu_seconds_upsample1 * 1000)
  }
  print(line)
}
print(
  String(
    format:
      "total over the shared photos and the 1-MP one: %.0f ms; dlib's total over the shared photos: %.0f ms wall",
    total, dlibTotal))

// Where the time of the 1-megapixel photo goes: each layer of the network on its tiled pyramid
// (the network is a chain), with the convolutions' GFLOP/s.
if let (_, image, _) = photos.last, photos.count > 1 {
  let upsampled = DlibMMODFaceDetector.upsampled(Tensor(image: image), times: 1).value
  let layout = DlibTiledPyramidLayout(
    width: upsampled.shape[2], height: upsampled.shape[1], padding: detector.pyramidPadding,
    outerPadding: detector.pyramidOuterPadding)
  var current = Tensor(zeros: [1, layout.rows, layout.columns, 3])
  print(
    "per layer on the 1-MP photo's tiled pyramid \(layout.columns)x\(layout.rows) (median of 3):")
  for name in detector.network.layerNames {
    guard let layer = detector.network.layer(named: name) else { continue }
    let input = current
    let timing = BenchmarkClock.measure(repetitions: 3, warmup: 0, singleThreaded: false) {
      current = layer.callAsFunction(input)
    }
    var line = String(
      format: "  %-22@ %@ -> %@: %8.1f ms", name, "\(input.shape)", "\(current.shape)",
      timing.median)
    if let conv = layer as? Conv2D {
      let macs = Double(current.count) * Double(conv.kernel.count / conv.kernel.shape[3])
      line += String(format: ", %.1f GFLOP/s", 2 * macs / timing.median / 1e6)
    }
    print(line)
  }
}
