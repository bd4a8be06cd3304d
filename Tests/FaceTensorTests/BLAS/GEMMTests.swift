import FaceTestSupport
import Testing

@testable import FaceTensor

/// One GEMM configuration: sizes, transposes, padded leading dimensions and thread count.
struct GEMMCase: CustomStringConvertible, Sendable {
  let m: Int
  let n: Int
  let k: Int
  let transposeA: Bool
  let transposeB: Bool
  let padding: Int
  let threads: Int
  let alpha: Float
  let beta: Float

  var description: String {
    "m\(m) n\(n) k\(k) tA\(transposeA) tB\(transposeB) pad\(padding) threads\(threads) alpha\(alpha) beta\(beta)"
  }

  static let all: [GEMMCase] = {
    var cases: [GEMMCase] = []
    // Odd shapes, every transpose combination, dense and padded leading dimensions, 1 and 2 threads.
    for (m, n, k) in [(1, 1, 1), (3, 5, 7), (17, 1, 9), (1, 33, 4), (31, 29, 37), (130, 3, 65)] {
      for transposeA in [false, true] {
        for transposeB in [false, true] {
          for padding in [0, 3] {
            cases.append(
              GEMMCase(
                m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                padding: padding, threads: 1, alpha: 1, beta: 0))
          }
        }
      }
    }
    // Large enough that the library splits rows (m >= n) or columns (n > m, or m too small to
    // split, or one row: a matrix-vector product) over threads.
    for (m, n, k) in [
      (301, 67, 129), (7, 900, 300), (40, 700, 300), (257, 255, 253), (1, 4000, 600),
    ] {
      for transposeA in [false, true] {
        for transposeB in [false, true] {
          cases.append(
            GEMMCase(
              m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, padding: 2,
              threads: 2, alpha: 0.5, beta: 0.25))
        }
      }
    }
    return cases
  }()
}

@Test(arguments: GEMMCase.all)
func gemmMatchesNaiveTripleLoop(_ c: GEMMCase) {
  var generator = SplitMix64(seed: UInt64(c.m * 1_000_003 + c.n * 1009 + c.k))
  // Stored shapes: A is m×k (or k×m when transposed), B is k×n (or n×k).
  let aRows = c.transposeA ? c.k : c.m
  let aCols = c.transposeA ? c.m : c.k
  let bRows = c.transposeB ? c.n : c.k
  let bCols = c.transposeB ? c.k : c.n
  let lda = aCols + c.padding
  let ldb = bCols + c.padding
  let ldc = c.n + c.padding
  let a = (0..<(aRows * lda)).map { _ in generator.uniform() }
  let b = (0..<(bRows * ldb)).map { _ in generator.uniform() }
  var out = (0..<(c.m * ldc)).map { _ in generator.uniform() }
  let expected = naiveGEMM(
    transposeA: c.transposeA, transposeB: c.transposeB, m: c.m, n: c.n, k: c.k,
    alpha: Double(c.alpha), a: a, lda: lda, b: b, ldb: ldb, beta: Double(c.beta), c: out, ldc: ldc)
  a.withUnsafeBufferPointer { a in
    b.withUnsafeBufferPointer { b in
      out.withUnsafeMutableBufferPointer { o in
        gemm(
          c.transposeA ? .transposed : .none, c.transposeB ? .transposed : .none,
          m: c.m, n: c.n, k: c.k, alpha: c.alpha, a: a.baseAddress!, lda: lda,
          b: b.baseAddress!, ldb: ldb, beta: c.beta, c: o.baseAddress!, ldc: ldc,
          threads: c.threads)
      }
    }
  }
  var worst = 0.0
  for i in 0..<c.m {
    for j in 0..<ldc {
      let index = i * ldc + j
      // Padding columns of C must be untouched; the rest within Float32 rounding of a k-term sum.
      let tolerance = j < c.n ? 1e-5 * Double(c.k + 1) : 0
      worst = max(worst, abs(Double(out[index]) - expected[index]) - tolerance)
    }
  }
  #expect(worst <= 0, "\(c): worst excess error \(worst)")
}

@Test func parallelSplitCoversEveryIndexExactlyOnce() {
  for count in [1, 2, 15, 16, 17, 100, 1001] {
    for parts in 1...5 {
      for alignment in [1, 4, 16] {
        let ranges = Parallel.split(count, into: parts, alignment: alignment)
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == count)
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(ranges.dropLast().allSatisfy { $0.upperBound % alignment == 0 })
        #expect(ranges.count <= parts && ranges.allSatisfy { !$0.isEmpty })
      }
    }
  }
}
