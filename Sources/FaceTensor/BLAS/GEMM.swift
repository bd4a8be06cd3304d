import COpenBLAS

/// Whether a GEMM operand is used as stored or transposed.
public enum MatrixTranspose: Sendable, Equatable {
  case none
  case transposed

  fileprivate var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// OpenBLAS, configured once per process and reached only through this namespace.
///
/// The library runs OpenBLAS with **one** thread (set on first use) and parallelises in Swift,
/// over halves of a GEMM or over the images of a batch: on this class of machine that is as fast as
/// OpenBLAS's own threads when the machine is idle and does not collapse when other processes share
/// the cores (platform notes, section 4). `OPENBLAS_CORETYPE` / `OPENBLAS_L2_SIZE` are read by
/// OpenBLAS when it loads; this library never sets or changes them.
public enum BLAS {
  private static let configured: Void = { openblas_set_num_threads(1) }()

  /// Makes sure OpenBLAS has been configured (idempotent, thread-safe).
  @inline(__always) static func ensureConfigured() { _ = configured }

  /// The name of the OpenBLAS kernel set that runs (`openblas_get_corename`), such as "Haswell".
  public static var coreName: String {
    ensureConfigured()
    guard let name = openblas_get_corename() else { return "unknown" }
    return String(cString: name)
  }

  /// OpenBLAS's build configuration string (`openblas_get_config`).
  public static var configuration: String {
    guard let config = openblas_get_config() else { return "unknown" }
    return String(cString: config)
  }

  /// The number of threads OpenBLAS itself uses.
  public static var openBLASThreadCount: Int {
    ensureConfigured()
    return Int(openblas_get_num_threads())
  }

  /// Sets OpenBLAS's own thread count, process-wide.
  ///
  /// The library keeps it at 1 and splits work in Swift; benchmarks call this to compare with
  /// OpenBLAS's threading.
  public static func setOpenBLASThreadCount(_ count: Int) {
    ensureConfigured()
    openblas_set_num_threads(Int32(count))
  }

  /// One direct `cblas_sgemm` call, row-major:
  /// `C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C`.
  ///
  /// - Parameters:
  ///   - lda: row stride of A as stored (`k` for `.none`, `m` for `.transposed` when dense).
  ///   - ldb: row stride of B as stored (`n` for `.none`, `k` for `.transposed` when dense).
  ///   - ldc: row stride of C (at least `n`).
  public static func sgemm(
    _ transposeA: MatrixTranspose, _ transposeB: MatrixTranspose,
    m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    ensureConfigured()
    guard m > 0, n > 0 else { return }
    cblas_sgemm(
      CblasRowMajor, transposeA.cblas, transposeB.cblas, Int32(m), Int32(n), Int32(k),
      alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }
}

extension BLAS {
  /// Elements `columns` of the row vector `y = alpha · xᵀ · op(B) + beta · y`, by `cblas_sgemv`.
  ///
  /// `op(B)` is `[k×n]`, stored row-major with row stride `ldb`; `y` points at the first element
  /// of `columns`. With `beta == 0`, `y` is not read (it may be uninitialised).
  static func sgemv(
    rowsOf transposeB: MatrixTranspose, columns: Range<Int>, k: Int, alpha: Float,
    b: UnsafePointer<Float>, ldb: Int, x: UnsafePointer<Float>, incx: Int, beta: Float,
    y: UnsafeMutablePointer<Float>
  ) {
    ensureConfigured()
    guard !columns.isEmpty else { return }
    if beta == 0 { y.update(repeating: 0, count: columns.count) }
    if transposeB == .none {
      // op(B) = B [k×n]: y = Bᵀ x over the columns' slice of B.
      cblas_sgemv(
        CblasRowMajor, CblasTrans, Int32(k), Int32(columns.count), alpha,
        b + columns.lowerBound, Int32(ldb), x, Int32(incx), beta, y, 1)
    } else {
      // op(B) = Bᵀ, B stored [n×k]: y = B x over the columns' rows of B.
      cblas_sgemv(
        CblasRowMajor, CblasNoTrans, Int32(columns.count), Int32(k), alpha,
        b + columns.lowerBound * ldb, Int32(ldb), x, Int32(incx), beta, y, 1)
    }
  }
}

/// The library's GEMM: `C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C`, row-major, split over
/// up to `threads` Swift threads (each a one-thread OpenBLAS call on a contiguous block of rows of C
/// when `m >= n`, else of columns; a single row, `m == 1`, is an `sgemv`).
///
/// - Parameters:
///   - lda, ldb, ldc: row strides of A, B and C as stored.
///   - threads: the most threads to use; `1` is a single direct `cblas_sgemm` call.
/// - Precondition: `m, n, k >= 0`; leading dimensions cover the rows they index.
public func gemm(
  _ transposeA: MatrixTranspose = .none, _ transposeB: MatrixTranspose = .none,
  m: Int, n: Int, k: Int, alpha: Float = 1,
  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
  beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int,
  threads: Int = ComputeThreads.count
) {
  precondition(m >= 0 && n >= 0 && k >= 0, "[gemm] negative size m=\(m) n=\(n) k=\(k)")
  let work = 2 * m * n * k
  let parts = work < GEMMSplit.minimumWorkPerThread * 2 ? 1 : threads
  if m == 1 && n > 1 && k > 0 {
    // One row of C (a batch-1 dense layer): a matrix-vector product reads B once, where sgemm
    // would first copy all of B into its packed layout.
    let x = UnsafeSendable(a)
    let incx = transposeA == .none ? 1 : lda
    let b = UnsafeSendable(b)
    let c = UnsafeSendable(c)
    Parallel.forEachChunk(of: n, chunks: parts, alignment: GEMMSplit.rowAlignment) { cols in
      BLAS.sgemv(
        rowsOf: transposeB, columns: cols, k: k, alpha: alpha, b: b.pointer, ldb: ldb,
        x: x.pointer, incx: incx, beta: beta, y: c.pointer + cols.lowerBound)
    }
    return
  }
  if parts <= 1 {
    BLAS.sgemm(
      transposeA, transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
      beta: beta, c: c, ldc: ldc)
    return
  }
  let a = UnsafeSendable(a)
  let b = UnsafeSendable(b)
  let c = UnsafeSendable(c)
  // Each thread packs the whole of the operand it does not split: split the dimension whose other
  // operand is the smaller one (rows when m >= n), as long as that dimension can be split.
  let rowsSplit = m >= parts * GEMMSplit.minimumBlock
  let columnsSplit = n >= parts * GEMMSplit.minimumBlock
  if rowsSplit && (m >= n || !columnsSplit) {
    // Split rows of C: rows [r0, r1) of op(A).
    Parallel.forEachChunk(of: m, chunks: parts, alignment: GEMMSplit.rowAlignment) { rows in
      let aBlock =
        transposeA == .none ? a.pointer + rows.lowerBound * lda : a.pointer + rows.lowerBound
      BLAS.sgemm(
        transposeA, transposeB, m: rows.count, n: n, k: k, alpha: alpha, a: aBlock, lda: lda,
        b: b.pointer, ldb: ldb, beta: beta, c: c.pointer + rows.lowerBound * ldc, ldc: ldc)
    }
  } else {
    // Split columns of C: columns [c0, c1) of op(B).
    Parallel.forEachChunk(of: n, chunks: parts, alignment: GEMMSplit.rowAlignment) { cols in
      let bBlock =
        transposeB == .none ? b.pointer + cols.lowerBound : b.pointer + cols.lowerBound * ldb
      BLAS.sgemm(
        transposeA, transposeB, m: m, n: cols.count, k: k, alpha: alpha, a: a.pointer, lda: lda,
        b: bBlock, ldb: ldb, beta: beta, c: c.pointer + cols.lowerBound, ldc: ldc)
    }
  }
}

/// Thresholds that decide when a GEMM is worth splitting across threads.
enum GEMMSplit {
  /// Below this many FLOPs per thread the fork/join costs more than it saves.
  static let minimumWorkPerThread = 2_000_000
  /// The smallest number of rows (or columns) one thread receives.
  static let minimumBlock = 16
  /// Block boundaries are multiples of this (keeps OpenBLAS's micro-kernel panels whole).
  static let rowAlignment = 16
}
