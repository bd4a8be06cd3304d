/// A detector filter prepared as dlib's `build_fhog_filterbank` prepares it: per feature plane,
/// the terms of the SVD of the plane's `rows x columns` weights with a singular value of at
/// least `max(1e-4, 0.001 * largest)`, each as a column filter `u_j sqrt(s_j)` and a row filter
/// `v_j sqrt(s_j)` (computed in `Double`, stored as `Float`).
///
/// dlib filters with these separable terms when there are at most
/// `planes * min(rows, columns) / 3` of them (61, 58, 54, 66 and 66 for the face detector's
/// five filters, against 103), and with the full weights otherwise; `usesSeparableTerms` says
/// which.
struct DlibHOGFilterBank: Sendable {
  /// One rank-1 term of one plane.
  struct Term: Sendable {
    let plane: Int
    /// `rows` taps, applied down the columns.
    let columnFilter: [Float]
    /// `columns` taps, applied along the rows.
    let rowFilter: [Float]
  }

  /// The full weights as `Float`, for the non-separable case.
  let fullWeights: [Float]
  let terms: [Term]
  let usesSeparableTerms: Bool

  /// The bank of `weights` (`planes x rows x columns`, plane-major, row-major in a plane).
  init(weights: [Double], planes: Int, rows: Int, columns: Int) {
    fullWeights = weights.map { Float($0) }
    var terms: [Term] = []
    let size = rows * columns
    for plane in 0..<planes {
      let f = Array(weights[plane * size..<(plane + 1) * size])
      // The SVD needs rows >= columns; for a wide plane decompose the transpose.
      let transposed = rows < columns
      let matrix =
        transposed
        ? (0..<size).map { k in f[(k % rows) * columns + k / rows] } : Array(f)
      let svd = DlibJacobiSVD(
        matrix, rows: transposed ? columns : rows, columns: transposed ? rows : columns)
      let threshold = max(1e-4, (svd.s.first ?? 0) * 0.001)
      for (j, value) in svd.s.enumerated() where value >= threshold {
        let scale = value.squareRoot()
        let left = (0..<svd.rows).map { Float(svd.u[$0 * svd.columns + j] * scale) }
        let right = (0..<svd.columns).map { Float(svd.v[$0 * svd.columns + j] * scale) }
        terms.append(
          Term(
            plane: plane, columnFilter: transposed ? right : left,
            rowFilter: transposed ? left : right))
      }
    }
    self.terms = terms
    usesSeparableTerms = Double(terms.count) <= Double(planes * min(rows, columns)) / 3
  }

  /// The same filter, always filtered with its full weights (the reference for tests).
  init(fullWeightsOf bank: DlibHOGFilterBank) {
    fullWeights = bank.fullWeights
    terms = bank.terms
    usesSeparableTerms = false
  }
}
