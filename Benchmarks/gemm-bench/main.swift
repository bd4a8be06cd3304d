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

/// The operands of one GEMM case, allocated once for all its timings.
struct GEMMOperands {
  let a: [Float]
  let b: [Float]
  var out: [Float]

  init(_ c: GEMMCase) {
    a = randomBuffer(c.m * c.k)
    b = randomBuffer(c.k * c.n)
    out = [Float](repeating: 0, count: c.m * c.n)
  }

  /// Runs `body` with raw pointers to A, B and C.
  mutating func withPointers(
    _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
  ) {
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        out.withUnsafeMutableBufferPointer { out in
          body(a.baseAddress!, b.baseAddress!, out.baseAddress!)
        }
      }
    }
  }
}

/// One timing of the library path, `gemm(threads:)` (OpenBLAS itself single-threaded), in ms.
func timeLibrary(
  _ c: GEMMCase, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
  _ o: UnsafeMutablePointer<Float>, threads: Int
) -> Double {
  BLAS.setOpenBLASThreadCount(1)
  return BenchmarkClock.milliseconds(singleThreaded: threads == 1) {
    gemm(m: c.m, n: c.n, k: c.k, a: a, lda: c.k, b: b, ldb: c.n, c: o, ldc: c.n, threads: threads)
  }
}

/// One timing of a direct `cblas_sgemm` with OpenBLAS's own `threads` threads, in ms.
func timeDirect(
  _ c: GEMMCase, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
  _ o: UnsafeMutablePointer<Float>, threads: Int
) -> Double {
  BLAS.setOpenBLASThreadCount(threads)
  defer { BLAS.setOpenBLASThreadCount(1) }
  return BenchmarkClock.milliseconds(singleThreaded: threads == 1) {
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(c.m), Int32(c.n), Int32(c.k), 1, a,
      Int32(c.k), b, Int32(c.n), 0, o, Int32(c.n))
  }
}

/// The minimum of `repetitions` timings after one warm-up.
func minimumTime(_ time: () -> Double) -> Double {
  _ = time()
  return (0..<repetitions).map { _ in time() }.min()!
}

/// Single-threaded library and direct timings, interleaved run by run so that both see the same
/// machine state; minimum of each in ms.
func timeSingleThreaded(_ c: GEMMCase) -> (library: Double, direct: Double) {
  var operands = GEMMOperands(c)
  var library: [Double] = []
  var direct: [Double] = []
  operands.withPointers { a, b, o in
    _ = timeLibrary(c, a, b, o, threads: 1)
    _ = timeDirect(c, a, b, o, threads: 1)
    for _ in 0..<repetitions {
      library.append(timeLibrary(c, a, b, o, threads: 1))
      direct.append(timeDirect(c, a, b, o, threads: 1))
    }
  }
  return (library.min()!, direct.min()!)
}

/// The minimum time of the library path (`threads == 2`: the library's own two threads) or of
/// OpenBLAS's own threading, in ms.
func timeTwoThreads(_ c: GEMMCase, direct: Bool) -> Double {
  var operands = GEMMOperands(c)
  var result = 0.0
  operands.withPointers { a, b, o in
    result = minimumTime {
      direct ? timeDirect(c, a, b, o, threads: 2) : timeLibrary(c, a, b, o, threads: 2)
    }
  }
  return result
}

func gemmCases() -> [GEMMCase] {
  var cases: [GEMMCase] = []
  for batch in [1, 8] {
    for conv in ResNet50Shapes.distinctConvolutions {
      let g = conv.geometry(batch: batch)
      cases.append(
        GEMMCase(
          label:
            "b\(batch) \(conv.kernel)x\(conv.kernel)/\(conv.stride) \(conv.inputSize)px \(conv.inputChannels)->\(conv.outputChannels)",
          m: g.patchCount, n: g.outputChannels, k: g.patchLength))
    }
  }
  for size in [512, 1024, 2048] {
    cases.append(GEMMCase(label: "square \(size)", m: size, n: size, k: size))
  }
  return cases
}

/// Prints the GEMM table from timings taken in three phases: single-threaded (library and
/// direct interleaved), then the library's two threads, then OpenBLAS's own two threads last:
/// OpenBLAS's worker threads keep spinning for a while after a threaded call, and would steal a
/// core from any measurement made after one.
func printGEMMTable(
  _ cases: [GEMMCase], singleThreaded: [(library: Double, direct: Double)],
  libraryTwo: [Double], directTwo: [Double]
) {
  let peak = BenchmarkReport.measuredPeak.gflopsPerCore
  print("\n-- GEMM, C[M×N] = A[M×K]·B[K×N] row-major; min of \(repetitions) interleaved runs")
  print("   %peak is against the measured single-core peak (x2 for 2 threads)")
  print(
    "case".padding(toLength: 38, withPad: " ", startingAt: 0)
      + "     M     N     K |  1 thread: lib GF/s direct GF/s lib/direct %peak |  2 threads: lib GF/s direct GF/s %peak"
  )
  var worstRatio = 0.0
  var totals = [Int: (library: Double, direct: Double)]()
  for (index, c) in cases.enumerated() {
    let one = singleThreaded[index]
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
          format:
            "%6d %5d %5d |            %7.1f     %7.1f      %5.3f  %4.0f%% |             %7.1f     %7.1f %4.0f%%",
          c.m, c.n, c.k, gflops(c.flops, one.library), gflops(c.flops, one.direct), ratio,
          100 * gflops(c.flops, one.library) / peak, gflops(c.flops, libraryTwo[index]),
          gflops(c.flops, directTwo[index]), 100 * gflops(c.flops, libraryTwo[index]) / (2 * peak)))
  }
  print(
    String(format: "worst library/direct time ratio, 1 thread: %.3f (target <= 1.03)", worstRatio))
  for batch in [1, 8] {
    if let t = totals[batch] {
      print(
        String(
          format:
            "sum over the 20 distinct shapes, batch %d, 1 thread: library %.1f ms, direct %.1f ms",
          batch, t.library, t.direct))
    }
  }
}

/// One line per 3x3/7x7 convolution: im2col throughput, the convolution against its GEMM alone,
/// and the convolution on the library's two threads.
func im2colAndConvolutionLines() -> [String] {
  var lines: [String] = []
  let convs = ResNet50Shapes.distinctConvolutions.filter { $0.kernel > 1 }
  for conv in convs {
    let g = conv.geometry(batch: 1)
    let input = Tensor(
      shape: g.inputShape, scalars: randomBuffer(Tensor.elementCount(of: g.inputShape)))
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
    lines.append(
      String(
        format:
          "%dx%d/%d %3dpx %4d->%4d: im2col %6.2f GB/s (%.3f ms) | GEMM alone %7.3f ms | conv %7.3f ms = %.2fx GEMM (target <= 1.3) | conv 2 threads %7.3f ms",
        conv.kernel, conv.kernel, conv.stride, conv.inputSize, conv.inputChannels,
        conv.outputChannels, gigabytes / (packTime.minimum / 1000), packTime.minimum,
        gemmTime.minimum, convTime.minimum, convTime.minimum / gemmTime.minimum,
        convTime2.minimum))
  }
  return lines
}

BenchmarkReport.printHeader("gemm-bench")
let cases = gemmCases()
let singleThreaded = cases.map(timeSingleThreaded)
let libraryTwo = cases.map { timeTwoThreads($0, direct: false) }
let convolutionLines = im2colAndConvolutionLines()
let directTwo = cases.map { timeTwoThreads($0, direct: true) }
printGEMMTable(cases, singleThreaded: singleThreaded, libraryTwo: libraryTwo, directTwo: directTwo)
print("\n-- im2col throughput and 3x3 convolution (im2col + GEMM, tiled) against its GEMM alone")
print("   (batch 1; 1 thread unless stated; min of \(repetitions) runs; measured before any")
print("   OpenBLAS-threaded call)")
convolutionLines.forEach { print($0) }
print(String(format: "\npeak RSS: %.0f MiB", BenchmarkClock.peakResidentMiB()))
