/// dlib's `test_box_overlap`: two rectangles overlap when their intersection covers more than
/// `iouThreshold` of their bounding union (the smallest rectangle holding both, not the set
/// union) or more than `percentCoveredThreshold` of either rectangle.
struct DlibBoxOverlap: Sendable, Equatable {
  let iouThreshold: Double
  let percentCoveredThreshold: Double

  /// Whether `a` and `b` overlap by this rule (areas in whole pixels, ratios in `Double`).
  func overlaps(_ a: DlibRectangle, _ b: DlibRectangle) -> Bool {
    let inner = Double(area(intersection(a, b)))
    if inner == 0 { return false }
    let bounding = DlibRectangle(
      left: min(a.left, b.left), top: min(a.top, b.top), right: max(a.right, b.right),
      bottom: max(a.bottom, b.bottom))
    return inner / Double(area(bounding)) > iouThreshold
      || inner / Double(area(a)) > percentCoveredThreshold
      || inner / Double(area(b)) > percentCoveredThreshold
  }

  private func intersection(_ a: DlibRectangle, _ b: DlibRectangle) -> DlibRectangle {
    DlibRectangle(
      left: max(a.left, b.left), top: max(a.top, b.top), right: min(a.right, b.right),
      bottom: min(a.bottom, b.bottom))
  }

  /// Pixels in `r` (0 when empty).
  private func area(_ r: DlibRectangle) -> Int {
    r.isEmpty ? 0 : (r.right - r.left + 1) * (r.bottom - r.top + 1)
  }
}
