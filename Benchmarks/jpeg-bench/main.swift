// jpeg-bench: time of DifferentiableJPEG's forward pass alone and of forward + backward at a
// face-crop size (224x224) and a photo size (600x800), batch 1, with one thread and with all
// compute threads, for both rounding approximations.
//
// Run with `swift run -c release jpeg-bench`.

import FacePipeline
import FaceTensor
import FaceTestSupport

func randomImage(height: Int, width: Int, seed: UInt64) -> Tensor {
  var generator = SplitMix64(seed: seed)
  return Tensor(
    shape: [1, height, width, 3],
    scalars: (0..<(height * width * 3)).map { _ in generator.uniform(0...255) })
}

BenchmarkReport.printHeader("jpeg-bench: DifferentiableJPEG, quality 75, batch 1")
let allThreads = ComputeThreads.count
for (height, width) in [(224, 224), (600, 800)] {
  let image = randomImage(height: height, width: width, seed: 1)
  let upstream = randomImage(height: height, width: width, seed: 2)
  for rounding in [JPEGRoundingApproximation.cubic, .straightThrough] {
    let layer = DifferentiableJPEG(quality: 75, rounding: rounding)
    for threads in Set([1, allThreads]).sorted() {
      ComputeThreads.set(threads)
      var checksum: Float = 0
      let forward = BenchmarkClock.measure(repetitions: 15, warmup: 2, singleThreaded: threads == 1)
      {
        checksum += layer(image).scalars[0]
      }
      let both = BenchmarkClock.measure(repetitions: 15, warmup: 2, singleThreaded: threads == 1) {
        let (value, pullback) = layer.valueWithPullback(at: image, scope: .input)
        checksum += value.scalars[0] + pullback(upstream).input.scalars[0]
      }
      print(
        "\(height)x\(width) \(rounding), \(threads) thread(s): forward \(forward);"
          + " forward+backward \(both)  [checksum \(checksum)]")
    }
  }
}
ComputeThreads.set(allThreads)
