/// The reference GEMM every fast path is checked against: a triple loop in `Double`,
/// `C = alpha · op(A) · op(B) + beta · C`, row-major with leading dimensions.
public func naiveGEMM(
  transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
  a: [Float], lda: Int, b: [Float], ldb: Int, beta: Double, c: [Float], ldc: Int
) -> [Double] {
  var result = c.map(Double.init)
  for i in 0..<m {
    for j in 0..<n {
      var total = 0.0
      for p in 0..<k {
        let aValue = transposeA ? a[p * lda + i] : a[i * lda + p]
        let bValue = transposeB ? b[j * ldb + p] : b[p * ldb + j]
        total += Double(aValue) * Double(bValue)
      }
      result[i * ldc + j] = alpha * total + beta * Double(c[i * ldc + j])
    }
  }
  return result
}
