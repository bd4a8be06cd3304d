// mtcnn-bench: MTCNN detection time and peak memory per photo, checked against the `mtcnn`
// package's detections (Tests/FaceNetsTests/Fixtures/mtcnn/detections.json).
//
//   swift run -c release mtcnn-bench                 # the environment as it is
//   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE swift run -c release mtcnn-bench
//
// Photos: every test photo of ../shared/data/faces and ../shared/data/seed (FACEADVERSARY_SHARED
// overrides the folder), plus two_people.jpg resized to 1280x720 and 1920x1080 (INTER_AREA).
// Times are wall clock (the detector uses all compute threads; with FACEADVERSARY_THREADS=1 the
// smaller of wall and thread CPU time), one warm-up run, then the median and minimum of 7 runs.
// "+peak MiB" is measured in a fresh child process per photo (`mtcnn-bench --memory-of I`): its
// peak resident memory (VmHWM) over 3 detections above its resident memory before them. The
// summary line is the median over the ten photos of ../shared/docs/peer-figures.md (the 8 in
// faces/ plus seed/index.jpeg and seed/sharon_stone1.jpg), which measured the `mtcnn` package at
// 420 ms and facenet-pytorch at 60 ms on this machine type. Last, P-Net, R-Net and O-Net alone.

import FaceNets
import FaceTensor
import FaceTestSupport
import Foundation

/// Set in the child processes that measure one photo's memory (see `memory(ofPhoto:)`).
let memoryChild = CommandLine.arguments.firstIndex(of: "--memory-of").flatMap {
  $0 + 1 < CommandLine.arguments.count ? Int(CommandLine.arguments[$0 + 1]) : nil
}
if memoryChild == nil {
  BenchmarkReport.printHeader(
    "mtcnn-bench: MTCNN (mtcnn 0.1.1 weights and semantics), default options")
  print("load average at start: \(BenchmarkReport.loadAverage())")
}

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

// `mtcnn-bench --memory-of I`: in this fresh process, detect faces in photo I three times and
// print the resident memory before (MiB) and the peak after.
if let index = memoryChild, photos.indices.contains(index) {
  let before = BenchmarkClock.residentMiB()
  for _ in 0..<3 { _ = detector.detect(in: photos[index].image) }
  print(String(format: "%.1f %.1f", before, BenchmarkClock.peakResidentMiB()))
  exit(0)
}

/// The memory photo `index` needs: `mtcnn-bench --memory-of index` in a child process, giving
/// (resident MiB before detecting, peak MiB after).
func memory(ofPhoto index: Int) -> (before: Double, peak: Double)? {
  guard let executable = Bundle.main.executableURL else { return nil }
  let process = Process()
  process.executableURL = executable
  process.arguments = ["--memory-of", "\(index)"]
  let output = Pipe()
  process.standardOutput = output
  guard (try? process.run()) != nil else { return nil }
  let data = output.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  let lastLine = String(decoding: data, as: UTF8.self).split(separator: "\n").last ?? ""
  let numbers = lastLine.split(separator: " ").compactMap { Double($0) }
  return numbers.count == 2 ? (numbers[0], numbers[1]) : nil
}

print(
  "\n" + "photo".padding(toLength: 26, withPad: " ", startingAt: 0)
    + "   size       median ms   min ms  +peak MiB  faces vs mtcnn 0.1.1")
// With one compute thread all work runs on the calling thread: its CPU time (when smaller than
// the wall time) is robust to other processes on a shared machine.
let singleThreaded = ComputeThreads.count == 1
print(
  "times: \(singleThreaded ? "the smaller of wall and calling-thread CPU time (1 thread)" : "wall clock")"
)
var peerMedians: [Double] = []
var baseline = 0.0
for (index, photo) in photos.enumerated() {
  var faces = detector.detect(in: photo.image)
  let timing = BenchmarkClock.measure(repetitions: 7, warmup: 0, singleThreaded: singleThreaded) {
    faces = detector.detect(in: photo.image)
  }
  let used = memory(ofPhoto: index)
  baseline = max(baseline, used?.before ?? 0)
  let peak = used.map { $0.peak - $0.before } ?? .nan
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
    format:
      "+peak MiB: a fresh process's peak resident memory over 3 detections of the photo, above its "
      + "%.1f MiB before them (runtime, weights, the decoded photos)", baseline))

// MARK: - The networks alone

/// GFLOPs of one forward of `network` on `input`.
///
/// `2·M·N·K` per convolution and dense layer; the output heads all read the last PReLU's output.
func networkGFLOP(_ network: Network, input: [Int]) -> Double {
  var shape = input
  var trunk = input
  var total = 0.0
  for name in network.layerNames {
    guard let layer = network.layer(named: name) else { continue }
    if layer is PReLU { trunk = shape }
    if let conv = layer as? Conv2D {
      if conv.kernel.shape[2] != shape.last { shape = trunk }
      let g = conv.geometry(forInputShape: shape)
      total += 2 * Double(g.patchCount * g.patchLength * g.outputChannels)
      shape = g.outputShape
    } else if let pool = layer as? MaxPool2D {
      shape = pool.geometry(forInputShape: shape).outputShape
    } else if let dense = layer as? Dense {
      if dense.inputCount != shape.last { shape = trunk }
      let rows = shape.dropLast().reduce(1, *)
      total += 2 * Double(rows * dense.inputCount * dense.outputCount)
      shape = Array(shape.dropLast()) + [dense.outputCount]
    } else if layer is Flatten {
      shape = [shape[0], shape.dropFirst().reduce(1, *)]
    }
  }
  return total / 1e9
}

print("\nNetworks alone (random inputs in -1...1; median ms, GFLOP/s):")
var generator = SplitMix64(seed: 7)
let pnetLevels: [[Int]] = {
  // The pyramid of a 1126x661 photo (two_people.jpg) with the default options.
  var levels: [[Int]] = []
  let m = 12.0 / 20
  var minLayer = 661 * m
  var k = 0.0
  while minLayer >= 12 {
    let scale = m * pow(0.709, k)
    levels.append([1, Int((1126 * scale).rounded(.up)), Int((661 * scale).rounded(.up)), 3])
    minLayer *= 0.709
    k += 1
  }
  return levels
}()
let pnetInputs = pnetLevels.map { generator.uniformTensor($0, in: -1...1) }
let pnetFLOP = pnetLevels.map { networkGFLOP(detector.pnet, input: $0) }.reduce(0, +)
let pnetTime = BenchmarkClock.measure(repetitions: 7, singleThreaded: singleThreaded) {
  for input in pnetInputs { _ = detector.pnet(input) }
}
print(
  String(
    format: "P-Net, the %d levels of a 1126x661 photo: %.1f ms, %.1f GFLOP/s", pnetLevels.count,
    pnetTime.median, pnetFLOP / pnetTime.median * 1000))
for (name, network, size) in [("R-Net", detector.rnet, 24), ("O-Net", detector.onet, 48)] {
  let shape = [MTCNN.batchSize, size, size, 3]
  let input = generator.uniformTensor(shape, in: -1...1)
  let time = BenchmarkClock.measure(repetitions: 7, singleThreaded: singleThreaded) {
    _ = network(input)
  }
  print(
    String(
      format: "%@, a batch of %d crops: %.1f ms (%.3f ms per crop), %.1f GFLOP/s", name,
      MTCNN.batchSize, time.median, time.median / Double(MTCNN.batchSize),
      networkGFLOP(network, input: shape) / time.median * 1000))
}
