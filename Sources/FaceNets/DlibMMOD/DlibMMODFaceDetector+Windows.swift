import FaceTensor

extension DlibMMODFaceDetector {
  /// The rectangle the detector reports for the window at one position of a score map, whatever
  /// its score: what `detections(in:upsampledTimes:adjustThreshold:)` gives for that position
  /// when its score is above the threshold.
  ///
  /// The geometry depends only on the scored image's size, so a position keeps its rectangle
  /// whatever the pixels: an attack can name, once, the windows that would report a face.
  /// - Parameters:
  ///   - row: the position's row in `scores.scores` `[1, OH, OW, 1]`, `0..<OH`.
  ///   - column: its column, `0..<OW`.
  ///   - scores: a score map from `scoreMap(of:)` or `valueWithPullback(at:)`.
  ///   - upsampledTimes: how many times the photo was upsampled before scoring; the rectangle is
  ///     in the photo's pixels (inclusive corners, possibly past its edges).
  /// - Precondition: the position lies inside the map.
  public func rectangle(
    atRow row: Int, column: Int, of scores: DlibMMODScoreMap, upsampledTimes: Int = 0
  ) -> DlibRectangle {
    let shape = scores.scores.shape
    precondition(
      (0..<shape[1]).contains(row) && (0..<shape[2]).contains(column),
      "[DlibMMODFaceDetector] position (\(row), \(column)) outside a score map \(shape)")
    let rectangle = decoding.rectangle(row: row, column: column, layout: scores.layout)
    guard upsampledTimes > 0 else { return rectangle }
    return DlibPyramidMapping(n: 2).rectDown(rectangle, levels: upsampledTimes)
  }
}
