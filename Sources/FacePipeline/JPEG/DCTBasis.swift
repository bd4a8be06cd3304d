#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The 8×8 orthonormal DCT-II matrix `C` of JPEG, `C[u][x] = c(u)·cos((2x + 1)uπ/16)` with
/// `c(0) = √(1/8)`, `c(u > 0) = √(2/8)`: a block's coefficients are `D = C·X·Cᵀ` (T.81 A.3.3:
/// `F(u,v) = ¼C(u)C(v)ΣΣ f(x,y)cos…cos…`) and, C being orthogonal, `X = Cᵀ·D·C` inverts it.
struct DCTBasis: Sendable {
  /// `C` row by row: `rows[u]` holds `C[u][0...7]`.
  let rows: [SIMD8<Float>]
  /// `Cᵀ` row by row: `columns[x]` holds `C[0...7][x]`.
  let columns: [SIMD8<Float>]

  /// A basis from any 8×8 matrix given row-major (the transform applies `M·X·Mᵀ` forward and
  /// `Mᵀ·D·M` inverse).
  init(matrix: [Float]) {
    precondition(matrix.count == 64, "[DCTBasis] need 64 entries, got \(matrix.count)")
    rows = (0..<8).map { u in SIMD8((0..<8).map { x in matrix[u * 8 + x] }) }
    columns = (0..<8).map { x in SIMD8((0..<8).map { u in matrix[u * 8 + x] }) }
  }

  /// JPEG's DCT.
  static let jpeg = DCTBasis(
    matrix: (0..<64).map { index in
      let (u, x) = (index / 8, index % 8)
      let scale = u == 0 ? (1.0 / 8).squareRoot() : (2.0 / 8).squareRoot()
      return Float(scale * cos(Double((2 * x + 1) * u) * Double.pi / 16))
    })
}

/// `A·X·Aᵀ` of one 8×8 block held as eight rows, in place.
///
/// `aRows[i]` is row i of A, `aColumns[j]`
/// row j of Aᵀ. With `A = C` it is the forward DCT, with `A = Cᵀ` (arguments swapped) the inverse.
///
/// Multiply and add are separate on purpose: on the baseline x86-64 target `addingProduct`
/// becomes a libm `fmaf` call per lane, ten times slower.
@inline(__always)
func transformBlock(
  _ block: UnsafeMutablePointer<SIMD8<Float>>, aRows: UnsafePointer<SIMD8<Float>>,
  aColumns: UnsafePointer<SIMD8<Float>>, scratch: UnsafeMutablePointer<SIMD8<Float>>
) {
  // scratch = A·X: row u = Σ_x A[u][x]·X[x]
  for u in 0..<8 {
    let a = aRows[u]
    var sum = a[0] * block[0]
    for x in 1..<8 { sum += a[x] * block[x] }
    scratch[u] = sum
  }
  // block = (A·X)·Aᵀ: row u = Σ_y (A·X)[u][y]·Aᵀ[y]
  for u in 0..<8 {
    let t = scratch[u]
    var sum = t[0] * aColumns[0]
    for y in 1..<8 { sum += t[y] * aColumns[y] }
    block[u] = sum
  }
}
