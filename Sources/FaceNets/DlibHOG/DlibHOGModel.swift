/// The content of a dlib `object_detector<scan_fhog_pyramid<pyramid_down<6>>>` file: the scanner's
/// configuration, the overlap rule of non-max suppression and the linear filters.
struct DlibHOGModel: Sendable {
  /// One linear filter over FHOG features: `weights[plane][row][column]` stored plane-major,
  /// then row-major (`planes x rows x columns` floats), and the bias subtracted from its score.
  struct Filter: Sendable {
    /// `31 x rows x columns` weights as stored (`double`; dlib filters with them cast to
    /// `float`, and takes its separable approximation from the doubles).
    let weights: [Double]
    /// The threshold term `w[dims]` of the weight vector (`double`).
    let bias: Double
  }

  /// Pixels per FHOG cell side (8 for the frontal face detector).
  let cellSize: Int
  /// Cells of padding around the detection window inside the filter (0 for the face detector).
  let padding: Int
  /// The detection window in pixels (80 x 80 for the face detector).
  let windowWidth: Int
  let windowHeight: Int
  /// The scanner's largest number of pyramid levels.
  let maxPyramidLevels: Int
  /// Pyramid levels are added while the level's rectangle is at least this large.
  let minLayerWidth: Int
  let minLayerHeight: Int
  /// Filter extent in cells: rows (height) and columns (width).
  let filterRows: Int
  let filterColumns: Int
  /// Non-max suppression (`test_box_overlap`).
  let overlap: DlibBoxOverlap
  /// The detector's filters, in file order (a detection's filter index).
  let filters: [Filter]

  /// FHOG planes per cell.
  static let planeCount = 31
}
