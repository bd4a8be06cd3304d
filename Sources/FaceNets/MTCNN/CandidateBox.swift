import FaceTensor

/// A face candidate between the stages of the cascade: a box, its score and the box regression
/// the last network predicted for it, all in float64 as the `mtcnn` package keeps them.
///
/// Corners follow the package's conventions (inherited from the MATLAB original): after stage 1
/// they are integers where `x1 - 1, y1 - 1` is the 0-based top-left pixel of the crop and
/// `x2 - x1 + 1` its width. Each method reproduces one helper of `mtcnn/mtcnn.py` (0.1.1) with
/// the same float64 operations in the same order, so that truncations (`np.fix`) and the NMS
/// threshold comparisons come out the same.
struct CandidateBox: Equatable {
  var x1: Double
  var y1: Double
  var x2: Double
  var y2: Double
  /// The face probability (a float32 widened to float64).
  var score: Double
  /// `(dx1, dy1, dx2, dy2)` in units of the box's width and height.
  var regression: (Double, Double, Double, Double) = (0, 0, 0, 0)

  static func == (a: CandidateBox, b: CandidateBox) -> Bool {
    a.x1 == b.x1 && a.y1 == b.y1 && a.x2 == b.x2 && a.y2 == b.y2 && a.score == b.score
      && a.regression == b.regression
  }

  /// Stage 1's regression (`__stage1`): offsets scaled by `x2 - x1` (no `+ 1`).
  func regressedWithoutBorder() -> CandidateBox {
    let (width, height) = (x2 - x1, y2 - y1)
    return CandidateBox(
      x1: x1 + regression.0 * width, y1: y1 + regression.1 * height,
      x2: x2 + regression.2 * width, y2: y2 + regression.3 * height, score: score)
  }

  /// `__bbreg` (stages 2 and 3): offsets scaled by `x2 - x1 + 1`.
  func regressed() -> CandidateBox {
    let (width, height) = (x2 - x1 + 1, y2 - y1 + 1)
    return CandidateBox(
      x1: x1 + regression.0 * width, y1: y1 + regression.1 * height,
      x2: x2 + regression.2 * width, y2: y2 + regression.3 * height, score: score)
  }

  /// `__rerec`: the square with side `max(x2 - x1, y2 - y1)` and the same centre.
  func squared() -> CandidateBox {
    let (height, width) = (y2 - y1, x2 - x1)
    let side = max(width, height)
    let left = x1 + width * 0.5 - side * 0.5
    let top = y1 + height * 0.5 - side * 0.5
    return CandidateBox(x1: left, y1: top, x2: left + side, y2: top + side, score: score)
  }

  /// `np.fix` of the four corners (truncation toward zero).
  func truncated() -> CandidateBox {
    CandidateBox(
      x1: x1.rounded(.towardZero), y1: y1.rounded(.towardZero), x2: x2.rounded(.towardZero),
      y2: y2.rounded(.towardZero), score: score, regression: regression)
  }

  /// Whether every corner is finite and at most `limit` pixels from the origin.
  ///
  /// A candidate computed from NaN or runaway network outputs (damaged weights) fails this and
  /// is dropped, so it is never cropped (a huge crop) or converted to integers (a trap).
  func isUsable(within limit: Double) -> Bool {
    [x1, y1, x2, y2].allSatisfy { $0.isFinite && abs($0) <= limit }
  }

  /// The corners as edges counted with the package's `+ 1` (width `x2 - x1 + 1`).
  var edges: BoxEdges { BoxEdges(left: x1, top: y1, right: x2, bottom: y2, counting: .inclusive) }
}

/// How `nonMaximumSuppression` measures the overlap of two boxes.
enum OverlapMeasure {
  /// Intersection over union ('Union').
  case union
  /// Intersection over the smaller area ('Min').
  case minimum
}

/// The package's `__nms`: greedy non-maximum suppression.
///
/// The highest score is kept, every remaining box overlapping it by more than `threshold` is
/// dropped, and so on; overlaps use the `+ 1` pixel convention. Returns the indices kept, highest
/// score first. Equal scores are taken in descending index order (the package's
/// `np.argsort` leaves their order to its sorting algorithm).
func nonMaximumSuppression(_ boxes: [CandidateBox], threshold: Double, measure: OverlapMeasure)
  -> [Int]
{
  let order = boxes.indices.sorted { a, b in
    boxes[a].score != boxes[b].score ? boxes[a].score > boxes[b].score : a > b
  }
  var suppressed = [Bool](repeating: false, count: boxes.count)
  var kept: [Int] = []
  for (rank, i) in order.enumerated() where !suppressed[rank] {
    kept.append(i)
    let box = boxes[i].edges
    for later in (rank + 1)..<order.count where !suppressed[later] {
      let other = boxes[order[later]].edges
      let overlap =
        switch measure {
        case .union: box.intersectionOverUnion(with: other)
        case .minimum: box.intersectionOverSmallerArea(with: other)
        }
      // The package keeps `o <= threshold`; NaN (zero-area boxes) is not kept either.
      if !(overlap <= threshold) { suppressed[later] = true }
    }
  }
  return kept
}
