/// The singular value decomposition of a small `Double` matrix by one-sided Jacobi rotations
/// (Hestenes): `A = U diag(s) V^T` with `s` in descending order.
///
/// Used for dlib's separable filter approximation; dlib takes the SVD from LAPACK, so the
/// vectors can differ from dlib's in the last bits (and in sign, which the separable filters do
/// not see: `u` and `v` flip together).
struct DlibJacobiSVD {
  /// `rows x rank` left singular vectors, column `j` for `s[j]`, row-major.
  let u: [Double]
  /// Singular values, descending (`min(rows, columns)` of them).
  let s: [Double]
  /// `columns x rank` right singular vectors, row-major.
  let v: [Double]
  let rows: Int
  let columns: Int

  /// The SVD of the `rows x columns` row-major matrix `a`.
  /// - Precondition: `a.count == rows * columns`, `rows >= columns >= 1`.
  init(_ a: [Double], rows: Int, columns: Int) {
    precondition(
      a.count == rows * columns && rows >= columns && columns >= 1,
      "[DlibJacobiSVD] needs a rows x columns matrix with rows >= columns >= 1")
    var w = a  // columns are rotated until orthogonal
    var vectors = [Double](repeating: 0, count: columns * columns)
    for i in 0..<columns { vectors[i * columns + i] = 1 }
    for _ in 0..<60 {
      var rotated = false
      for p in 0..<columns - 1 {
        for q in p + 1..<columns {
          var alpha = 0.0
          var beta = 0.0
          var gamma = 0.0
          for i in 0..<rows {
            let (x, y) = (w[i * columns + p], w[i * columns + q])
            alpha += x * x
            beta += y * y
            gamma += x * y
          }
          guard abs(gamma) > 1e-15 * (alpha * beta).squareRoot(), gamma != 0 else { continue }
          rotated = true
          let zeta = (beta - alpha) / (2 * gamma)
          let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
          let c = 1 / (1 + t * t).squareRoot()
          let sn = c * t
          for i in 0..<rows {
            let (x, y) = (w[i * columns + p], w[i * columns + q])
            w[i * columns + p] = c * x - sn * y
            w[i * columns + q] = sn * x + c * y
          }
          for i in 0..<columns {
            let (x, y) = (vectors[i * columns + p], vectors[i * columns + q])
            vectors[i * columns + p] = c * x - sn * y
            vectors[i * columns + q] = sn * x + c * y
          }
        }
      }
      if !rotated { break }
    }
    var norms = [Double](repeating: 0, count: columns)
    for j in 0..<columns {
      var sum = 0.0
      for i in 0..<rows { sum += w[i * columns + j] * w[i * columns + j] }
      norms[j] = sum.squareRoot()
    }
    let order = (0..<columns).sorted { norms[$0] > norms[$1] }
    var u = [Double](repeating: 0, count: rows * columns)
    var v = [Double](repeating: 0, count: columns * columns)
    for (k, j) in order.enumerated() {
      for i in 0..<rows { u[i * columns + k] = norms[j] > 0 ? w[i * columns + j] / norms[j] : 0 }
      for i in 0..<columns { v[i * columns + k] = vectors[i * columns + j] }
    }
    self.u = u
    self.v = v
    self.s = order.map { norms[$0] }
    self.rows = rows
    self.columns = columns
  }
}
