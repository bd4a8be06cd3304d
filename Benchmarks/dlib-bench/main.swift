// dlib-bench: dlib's face-recognition ResNet in FaceNets: the descriptor forward pass, forward +
// backward to the chip's pixels, per chip at batch 1 and batch 8, and one attack step on a photo
// (differentiable chip, forward, backward, chip adjoint).
//
//   swift run -c release dlib-bench                 # the environment as it is
//   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE swift run -c release dlib-bench
//
// Needs dlib_face_recognition_resnet_model_v1.dat ($FACEADVERSARY_MODELS or
// ~/.local/share/faceadversary/models; `make setup`). With ../shared present
// ($FACEADVERSARY_SHARED), it first checks the descriptor of a fixture chip against dlib's and
// times the photo step on that chip's photo. FLOPs: 2 x 270,854,144 multiply-adds per chip
// forward (convolutions and fc, format note section 4.1); the backward to the pixels does the
// same number again (no parameter gradients). Compare with dlib 20.0.1's own figures in
// ../shared/docs/peer-figures.md.

import FaceNets
import FaceTensor
import FaceTestSupport
import Foundation

let forwardFlops = 2 * 270_854_144.0
let threads = ComputeThreads.count
let singleThreaded = threads == 1
BenchmarkReport.printHeader("dlib-bench: dlib face-recognition ResNet, 150x150 chips")
print(
  "times: \(singleThreaded ? "min of thread CPU and wall time (1 thread)" : "wall clock"); "
    + "load average at start: \(BenchmarkReport.loadAverage())")

let resNetName = DlibModelFile.faceRecognitionResNetV1.name
let resNetURL =
  ModelSearchPath.firstExisting(resNetName)
  ?? ModelSearchPath.folders()[0].appendingPathComponent(resNetName)
let resNet: DlibResNet
do {
  let loadStart = BenchmarkClock.wallSeconds()
  resNet = try DlibResNet(contentsOf: resNetURL)
  print(
    String(
      format: "model loaded and checked in %.0f ms",
      (BenchmarkClock.wallSeconds() - loadStart) * 1000))
} catch {
  print("dlib-bench: \(error)")
  exit(1)
}

// MARK: - Check against dlib

struct ChipFixture: Decodable {
  let chip: String
  let source_image: String
  let landmarks5_xy: [[Int]]
  let descriptor: [Double]
}
struct ChipFixtures: Decodable { let chips: [ChipFixture] }

var photoCase: (photo: RGBImage, details: DlibFaceChipDetails)?
if SharedData.exists {
  let folder = SharedData.url("fixtures/dlib-chips")
  do {
    let fixtures = try JSONDecoder().decode(
      ChipFixtures.self, from: Data(contentsOf: folder.appendingPathComponent("expected.json")))
    if let first = fixtures.chips.first {
      let chip = try RGBImage(contentsOf: folder.appendingPathComponent(first.chip))
      let found = resNet.descriptor(of: chip)
      let worst = zip(found, first.descriptor).map { abs(Double($0) - $1) }.max() ?? .nan
      print(
        "check: \(first.chip) descriptor vs dlib's, largest difference \(String(format: "%.2e", worst))"
      )
      let photo = try RGBImage(
        contentsOf: SharedData.url(String(first.source_image.dropFirst("../shared/".count))))
      photoCase = (
        photo,
        DlibFaceChipDetails(landmarks: first.landmarks5_xy.map { DlibPoint(x: $0[0], y: $0[1]) })
      )
    }
  } catch {
    print("check skipped: \(error)")
  }
} else {
  print("check skipped: \(SharedData.root.path) not found (set FACEADVERSARY_SHARED)")
}

// MARK: - Descriptor forward and backward

var generator = SplitMix64(seed: 150)
func chips(_ count: Int, generator: inout SplitMix64) -> Tensor {
  Tensor(
    shape: [count, 150, 150, 3],
    scalars: (0..<(count * 150 * 150 * 3)).map { _ in generator.uniform(0...255) })
}

print("\nper chip (median / min ms over the repetitions; GFLOP/s from the median)")
print("batch  pass                 median ms   min ms   GFLOP/s")
for batch in [1, 8] {
  let x = chips(batch, generator: &generator)
  let seed = Tensor(
    shape: [batch, 128], scalars: (0..<(batch * 128)).map { _ in generator.uniform() })
  let repetitions = batch == 1 ? 30 : 8
  let forward = BenchmarkClock.measure(
    repetitions: repetitions, warmup: 3, singleThreaded: singleThreaded
  ) {
    _ = resNet(x)
  }
  let both = BenchmarkClock.measure(
    repetitions: repetitions, warmup: 2, singleThreaded: singleThreaded
  ) {
    let (_, pullback) = resNet.valueWithPullback(at: x)
    _ = pullback(seed)
  }
  report(batch: batch, pass: "forward", timing: forward, flops: forwardFlops)
  report(batch: batch, pass: "forward + backward", timing: both, flops: 2 * forwardFlops)
}

// MARK: - Convolutions, batch 1

/// Every convolution of the network with its input shape, walking the description's nodes.
func convolutionsWithInputShapes(_ description: DlibResNetDescription) -> [(Conv2D, [Int])] {
  var shape = [1, 150, 150, 3]
  var tagged: [Int: [Int]] = [:]
  var found: [(Conv2D, [Int])] = []
  for node in description.nodes {
    switch node {
    case .tag(let id): tagged[id] = shape
    case .skip(let id): shape = tagged[id] ?? shape
    case .convolution(let conv):
      let layer = Conv2D(
        kernel: conv.kernel, bias: conv.bias, strides: (conv.strideY, conv.strideX),
        padding: .explicit(top: conv.padY, bottom: conv.padY, left: conv.padX, right: conv.padX))
      found.append((layer, shape))
      shape = layer.geometry(forInputShape: shape).outputShape
    case .maxPool(let pool), .averagePool(let pool):
      shape =
        pool.isGlobal
        ? [1, 1, 1, shape[3]]
        : [
          1, 1 + (shape[1] - pool.kernelHeight) / pool.strideY,
          1 + (shape[2] - pool.kernelWidth) / pool.strideX, shape[3],
        ]
    case .addPrevious(let id):
      shape = zip(shape, tagged[id] ?? shape).map { max($0, $1) }
    case .affine, .relu, .fullyConnected: break
    }
  }
  return found
}

if let description = try? DlibResNetDescription(
  contentsOf: resNetURL, checksum: .skip)
{
  print("\nconvolutions at batch 1, summed over the network (median ms; gemm = the forward GEMM")
  print("alone on an im2col matrix packed beforehand; GFLOP/s from the summed medians)")
  print("input HxWxC -> OC, kernel/stride   count  fwd ms   gemm ms  bwd-input ms")
  var totals = (forward: 0.0, gemm: 0.0, backward: 0.0, flops: 0.0)
  var rows: [String: (count: Int, forward: Double, gemm: Double, backward: Double)] = [:]
  var order: [String] = []
  for (layer, shape) in convolutionsWithInputShapes(description) {
    let g = layer.geometry(forInputShape: shape)
    let key =
      "\(shape[1])x\(shape[2])x\(shape[3]) -> \(g.outputChannels), "
      + "\(layer.kernel.shape[0])x\(layer.kernel.shape[1])/\(layer.strides.0)"
    if rows[key] == nil {
      let x = Tensor(
        shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in generator.uniform() })
      let forward = BenchmarkClock.measure(
        repetitions: 15, warmup: 2, singleThreaded: singleThreaded
      ) {
        _ = layer(x)
      }
      let packed = PackedConvolutionGEMM(input: x, kernel: layer.kernel, geometry: g)
      let gemmOnly = BenchmarkClock.measure(
        repetitions: 15, warmup: 2, singleThreaded: singleThreaded
      ) { packed.run() }
      let (output, pullback) = layer.valueWithPullback(at: x, scope: .input)
      let backward = BenchmarkClock.measure(
        repetitions: 15, warmup: 2, singleThreaded: singleThreaded
      ) {
        _ = pullback(output)
      }
      rows[key] = (0, forward.median, gemmOnly.median, backward.median)
      order.append(key)
    }
    rows[key]?.count += 1
    let row = rows[key] ?? (0, 0, 0, 0)
    totals.forward += row.forward
    totals.gemm += row.gemm
    totals.backward += row.backward
    totals.flops += Double(g.flops)
  }
  for key in order {
    let row = rows[key] ?? (0, 0, 0, 0)
    let n = Double(row.count)
    print(
      key.padding(toLength: 34, withPad: " ", startingAt: 0)
        + String(
          format: "%5d %8.3f %9.3f %10.3f", row.count, row.forward * n, row.gemm * n,
          row.backward * n))
  }
  print(
    "total".padding(toLength: 34, withPad: " ", startingAt: 0)
      + String(
        format: "%5d %8.3f %9.3f %10.3f   (%.1f / %.1f / %.1f GFLOP/s)",
        rows.values.reduce(0) { $0 + $1.count }, totals.forward, totals.gemm, totals.backward,
        totals.flops / (totals.forward * 1e6), totals.flops / (totals.gemm * 1e6),
        totals.flops / (totals.backward * 1e6)))
}

// MARK: - One attack step on a photo

if let (photo, details) = photoCase {
  let layer = DlibFaceChipLayer(
    details: details, imageWidth: photo.width, imageHeight: photo.height)
  let x = Tensor(image: photo)
  let seed = Tensor(shape: [1, 128], scalars: (0..<128).map { _ in generator.uniform() })
  let chipOnly = BenchmarkClock.measure(repetitions: 30, warmup: 3, singleThreaded: singleThreaded)
  {
    let (_, pullback) = layer.valueWithPullback(at: x, scope: .input)
    _ = pullback(Tensor(zeros: [1, 150, 150, 3]))
  }
  let step = BenchmarkClock.measure(repetitions: 20, warmup: 2, singleThreaded: singleThreaded) {
    let (chip, chipPullback) = layer.valueWithPullback(at: x, scope: .input)
    let (_, pullback) = resNet.valueWithPullback(at: chip)
    _ = chipPullback(pullback(seed))
  }
  print(
    "\nphoto step on \(photo.width)x\(photo.height) (crop \(layer.cropBox), "
      + "\(layer.sampling.pyramidLevels) pyramid levels):")
  print(
    String(
      format: "  differentiable chip, forward + adjoint: median %.3f ms, min %.3f ms",
      chipOnly.median, chipOnly.minimum))
  print(
    String(
      format: "  chip + descriptor forward + backward + chip adjoint: median %.3f ms, min %.3f ms",
      step.median, step.minimum))
}
print(String(format: "\npeak RSS %.0f MiB", BenchmarkClock.peakResidentMiB()))

func report(batch: Int, pass: String, timing: Timing, flops: Double) {
  let perChip = (timing.median / Double(batch), timing.minimum / Double(batch))
  let padded = pass.padding(toLength: 19, withPad: " ", startingAt: 0)
  print(
    String(format: "%5d  ", batch) + padded
      + String(format: " %9.3f %8.3f %9.1f", perChip.0, perChip.1, flops / (perChip.0 * 1e6)))
}
