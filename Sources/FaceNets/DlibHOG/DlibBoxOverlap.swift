/// dlib's `test_box_overlap`: two rectangles overlap when their intersection covers more than
/// `iouThreshold` of their bounding union (the smallest rectangle holding both, not the set
/// union) or more than `percentCoveredThreshold` of either rectangle.
struct DlibBoxOverlap: Sendable, Equatable {
  let iouThreshold: Double
  let percentCoveredThreshold: Double

  /// Whether `a` and `b` overlap by this rule (areas in whole pixels, ratios in `Double`).
  func overlaps(_ a: DlibRectangle, _ b: DlibRectangle) -> Bool {
    let inner = Double(a.intersection(b).area)
    if inner == 0 { return false }
    let bounding = DlibRectangle(
      left: min(a.left, b.left), top: min(a.top, b.top), right: max(a.right, b.right),
      bottom: max(a.bottom, b.bottom))
    return inner / Double(bounding.area) > iouThreshold
      || inner / Double(a.area) > percentCoveredThreshold
      || inner / Double(b.area) > percentCoveredThreshold
  }
}
