// gemm-bench: GEMM throughput of the library path against direct `cblas_sgemm` calls on every
// distinct im2col GEMM of ResNet-50 (keras-vggface, 224x224, batch 1 and 8) and on square
// matrices; im2col throughput; a 3x3 convolution against its GEMM alone.
//
// Run with `swift run -c release gemm-bench` (or `make bench`, which also runs it with
// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for that command alone).

import COpenBLAS
import FaceTensor
import FaceTestSupport
import Foundation

/// One convolution of keras-vggface's ResNet-50 at 224x224 (an architecture fact: kernel, stride,
/// padding, input size and channels), from which its im2col GEMM shape follows.
struct ResNetConvolution {
  let kernel: Int
  let stride: Int
  let padding: Padding
  let inputSize: Int
  let inputChannels: Int
  let outputChannels: Int

  func geometry(batch: Int) -> Conv2DGeometry {
    Conv2DGeometry(
      inputShape: [batch, inputSize, inputSize, inputChannels],
      kernelShape: [kernel, kernel, inputChannels, outputChannels],
      strides: (stride, stride), padding: padding)
  }
}

/// Every distinct convolution shape of ResNet-50 (the 53 convolutions reduce to these 20).
let resNetConvolutions: [ResNetConvolution] = [
  .init(kernel: 7, stride: 2, padding: .same, inputSize: 224, inputChannels: 3, outputChannels: 64),
  .init(kernel: 1, stride: 1, padding: .valid, inputSize: 55, inputChannels: 64, outputChannels: 64),
  .init(kernel: 1, stride: 1, padding: .valid, inputSize: 55, inputChannels: 64, outputChannels: 256),
  .init(kernel: 1, stride: 1, padding: .valid, inputSize: 55, inputChannels: 256, outputChannels: 64),
  .init(kernel: 3, stride: 1, padding: .same, inputSize: 55, inputChannels: 64, outputChannels: 64),
  .init(kernel: 1, stride: 2, padding: .valid, inputSize: 55, inputChannels: 256, outputChannels: 128),
  .init(kernel: 1, stride: 2, padding: .valid, inputSize: 55, inputChannels: 256, outputChannels: 512),
  .init(kernel: 1, stride: 1, padding: .valid, inputSize: 28, inputChannels: 128, outputChannels: 512),
  .init(kernel: 1, stride: 1, padding: .valid, inputSize: 28, inputChannels: 512, outputChannels: 128),
  .init(kernel: 3, stride: 1, padding: .same, inputSize: 28, inputChannels: 128, outputChannels: 128),
  .init(kernel: 1, stride: 2, padding: .valid, inputSize: 28, inputChannels: 512, outputChannels: 256),
  .init(kernel: 1, stride: 2, padding: .valid, inputSize: 28, inputChannels: 512, outputChannels: 1024),
  .init(kernel: 1, stride: 1, padding: .valid, inputSize: 14, inputChannels: 256, outputChannels: 1024),
  .init(kernel: 1, stride: 1, padding: .valid, inputSize: 14, inputChannels: 1024, outputChannels: 256),
  .init(kernel: 3, stride: 1, padding: .same, inputSize: 14, inputChannels: 256, outputChannels: 256),
  .init(kernel: 1, stride: 2, padding: .valid, inputSize: 14, inputChannels: 1024, outputChannels: 512),
  .init(kernel: 1, stride: 2, padding: .valid, inputSize: 14, inputChannels: 1024, outputChannels: 2048),
  .init(kernel: 1, stride: 1, padding: .valid, inputSize: 7, inputChannels: 512, outputChannels: 2048),
  .init(kernel: 1, stride: 1, padding: .valid, inputSize: 7, inputChannels: 2048, outputChannels: 512),
  .init(kernel: 3, stride: 1, padding: .same, inputSize: 7, inputChannels: 512, outputChannels: 512),
]

/// A GEMM `C[m×n] = A[m×k] · B[k×n]` with its operands.
struct GEMMCase {
  let label: String
  let m: Int
  let n: Int
  let k: Int
  var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
}

let repetitions = 5

/// `count` uniform values in -1...1, the same for the same `seed`.
func randomBuffer(_ count: Int, seed: UInt64 = 2024) -> [Float] {
  var generator = SplitMix64(seed: seed)
  return (0..<count).map { _ in generator.uniform(-1...1) }
}

func gflops(_ flops: Double, _ milliseconds: Double) -> Double { flops / milliseconds / 1e6 }

/// Times the library path (`gemm(threads:)`) and a direct `cblas_sgemm`, interleaved, and returns
/// the minimum of each in ms.
func timeGEMM(_ c: GEMMCase, threads: Int) -> (library: Double, direct: Double) {
  let a = randomBuffer(c.m * c.k)
  let b = randomBuffer(c.k * c.n)
  var out = [Float](repeating: 0, count: c.m * c.n)
  var library: [Double] = []
  var direct: [Double] = []
  a.withUnsafeBufferPointer { a in
    b.withUnsafeBufferPointer { b in
      out.withUnsafeMutableBufferPointer { out in
        let a = a.baseAddress!
        let b = b.baseAddress!
        let o = out.baseAddress!
        let single = threads == 1
        func runLibrary() {
          BLAS.setOpenBLASThreadCount(1)
          library.append(
            BenchmarkClock.milliseconds(singleThreaded: single) {
              gemm(m: c.m, n: c.n, k: c.k, a: a, lda: c.k, b: b, ldb: c.n, c: o, ldc: c.n, threads: threads)
            })
        }
        func runDirect() {
          BLAS.setOpenBLASThreadCount(threads)
          direct.append(
            BenchmarkClock.milliseconds(singleThreaded: single) {
              cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(c.m), Int32(c.n), Int32(c.k), 1, a,
                Int32(c.k), b, Int32(c.n), 0, o, Int32(c.n))
            })
        }
        runLibrary()  // warm-up
        runDirect()
        library.removeAll()
        direct.removeAll()
        for _ in 0..<repetitions {
          runLibrary()
          runDirect()
        }
      }
    }
  }
  BLAS.setOpenBLASThreadCount(1)
  return (library.min()!, direct.min()!)
}

func gemmCases() -> [GEMMCase] {
  var cases: [GEMMCase] = []
  for batch in [1, 8] {
    for conv in resNetConvolutions {
      let g = conv.geometry(batch: batch)
      cases.append(
        GEMMCase(
          label: "b\(batch) \(conv.kernel)x\(conv.kernel)/\(conv.stride) \(conv.inputSize)px \(conv.inputChannels)->\(conv.outputChannels)",
          m: g.patchCount, n: g.outputChannels, k: g.patchLength))
    }
  }
  for size in [512, 1024, 2048] {
    cases.append(GEMMCase(label: "square \(size)", m: size, n: size, k: size))
  }
  return cases
}

func printGEMMTable() {
  let peak = BenchmarkReport.measuredPeak.gflopsPerCore
  print("\n-- GEMM, C[M×N] = A[M×K]·B[K×N] row-major; min of \(repetitions) interleaved runs")
  print("   %peak is against the measured single-core peak (x2 for 2 threads)")
  print(
    "case".padding(toLength: 38, withPad: " ", startingAt: 0)
      + "     M     N     K |  1 thread: lib GF/s direct GF/s lib/direct %peak |  2 threads: lib GF/s direct GF/s %peak")
  var worstRatio = 0.0
  var totals = [Int: (library: Double, direct: Double)]()
  for c in gemmCases() {
    let one = timeGEMM(c, threads: 1)
    let two = timeGEMM(c, threads: 2)
    let ratio = one.library / one.direct
    worstRatio = max(worstRatio, ratio)
    if c.label.hasPrefix("b") {
      let batch = c.label.hasPrefix("b1 ") ? 1 : 8
      totals[batch, default: (0, 0)].library += one.library
      totals[batch, default: (0, 0)].direct += one.direct
    }
    print(
      c.label.padding(toLength: 38, withPad: " ", startingAt: 0)
        + String(
          format: "%6d %5d %5d |            %7.1f     %7.1f      %5.3f  %4.0f%% |             %7.1f     %7.1f %4.0f%%",
          c.m, c.n, c.k, gflops(c.flops, one.library), gflops(c.flops, one.direct), ratio,
          100 * gflops(c.flops, one.library) / peak, gflops(c.flops, two.library),
          gflops(c.flops, two.direct), 100 * gflops(c.flops, two.library) / (2 * peak)))
  }
  print(String(format: "worst library/direct time ratio, 1 thread: %.3f (target <= 1.03)", worstRatio))
  for batch in [1, 8] {
    if let t = totals[batch] {
      print(
        String(
          format: "sum over the 20 distinct shapes, batch %d, 1 thread: library %.1f ms, direct %.1f ms",
          batch, t.library, t.direct))
    }
  }
}

func printIm2colAndConvolution() {
  print("\n-- im2col throughput and 3x3 convolution (im2col + GEMM, tiled) against its GEMM alone")
  print("   (batch 1; 1 thread unless stated; min of \(repetitions) runs)")
  let convs = resNetConvolutions.filter { $0.kernel > 1 }
  for conv in convs {
    let g = conv.geometry(batch: 1)
    let input = Tensor(shape: g.inputShape, scalars: randomBuffer(Tensor.elementCount(of: g.inputShape)))
    let kernel = Tensor(
      shape: g.kernelShape, scalars: randomBuffer(Tensor.elementCount(of: g.kernelShape)))
    var cols = [Float](repeating: 0, count: g.patchCount * g.patchLength)
    var out = [Float](repeating: 0, count: g.patchCount * g.outputChannels)
    let packTime = BenchmarkClock.measure(repetitions: repetitions, singleThreaded: true) {
      input.withUnsafeBufferPointer { x in
        cols.withUnsafeMutableBufferPointer { c in
          Im2col.pack(x.baseAddress!, geometry: g, rows: 0..<g.patchCount, into: c.baseAddress!)
        }
      }
    }
    let gemmTime = BenchmarkClock.measure(repetitions: repetitions, singleThreaded: true) {
      cols.withUnsafeBufferPointer { c in
        kernel.withUnsafeBufferPointer { w in
          out.withUnsafeMutableBufferPointer { o in
            BLAS.sgemm(
              .none, .none, m: g.patchCount, n: g.outputChannels, k: g.patchLength,
              a: c.baseAddress!, lda: g.patchLength, b: w.baseAddress!, ldb: g.outputChannels,
              c: o.baseAddress!, ldc: g.outputChannels)
          }
        }
      }
    }
    let convTime = BenchmarkClock.measure(repetitions: repetitions, singleThreaded: true) {
      _ = Convolution.forward(input, kernel: kernel, bias: nil, geometry: g, threads: 1)
    }
    let convTime2 = BenchmarkClock.measure(repetitions: repetitions, singleThreaded: false) {
      _ = Convolution.forward(input, kernel: kernel, bias: nil, geometry: g, threads: 2)
    }
    let gigabytes = Double(g.patchCount * g.patchLength * MemoryLayout<Float>.size) / 1e9
    print(
      String(
        format:
          "%dx%d/%d %3dpx %4d->%4d: im2col %6.2f GB/s (%.3f ms) | GEMM alone %7.3f ms | conv %7.3f ms = %.2fx GEMM (target <= 1.3) | conv 2 threads %7.3f ms",
        conv.kernel, conv.kernel, conv.stride, conv.inputSize, conv.inputChannels,
        conv.outputChannels, gigabytes / (packTime.minimum / 1000), packTime.minimum,
        gemmTime.minimum, convTime.minimum, convTime.minimum / gemmTime.minimum,
        convTime2.minimum))
  }
}

BenchmarkReport.printHeader("gemm-bench")
printGEMMTable()
printIm2colAndConvolution()
print(String(format: "\npeak RSS: %.0f MiB", BenchmarkClock.peakResidentMiB()))
