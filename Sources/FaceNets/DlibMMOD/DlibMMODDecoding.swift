import FaceTensor

/// dlib's `loss_mmod_::to_label` for one detector window: the positions of the score map above
/// the threshold become window rectangles in the image, best first, then non-max suppression.
struct DlibMMODDecoding: Sendable {
  /// The detector window, in pixels of the tiled image.
  let window: DlibMMODWindow
  /// The non-max suppression rule (`overlaps_nms`).
  let overlap: DlibBoxOverlap
  /// Output position `p` is centred at `scale · p + offset` of the tiled image.
  let outputToInput: (scale: Int, offset: Int)

  /// The detections of `scores` `[1, OH, OW, 1]`, computed on the tiled pyramid `layout`, in
  /// the pixels of that pyramid's level 0, best first.
  ///
  /// A position whose score exceeds `threshold` gives its window's rectangle
  /// (`rectangle(row:column:layout:)`). The candidates are sorted by score, highest first, and
  /// each is kept unless it overlaps one kept before it.
  func detections(
    in scores: Tensor, layout: DlibTiledPyramidLayout, threshold: Double
  ) -> [DlibMMODFaceDetector.Detection] {
    precondition(
      scores.rank == 4 && scores.shape[0] == 1 && scores.shape[3] == 1,
      "[DlibMMODDecoding] scores must be [1, OH, OW, 1], got \(scores.shape)")
    let (rows, columns) = (scores.shape[1], scores.shape[2])
    var candidates: [DlibMMODFaceDetector.Detection] = []
    scores.withUnsafeBufferPointer { score in
      for row in 0..<rows {
        for column in 0..<columns {
          let value = Double(score[row * columns + column])
          guard value > threshold else { continue }
          candidates.append(
            DlibMMODFaceDetector.Detection(
              rectangle: rectangle(row: row, column: column, layout: layout), confidence: value))
        }
      }
    }
    candidates.sort { $0.confidence > $1.confidence }
    var kept: [DlibMMODFaceDetector.Detection] = []
    for candidate in candidates
    where !kept.contains(where: { overlap.overlaps($0.rectangle, candidate.rectangle) }) {
      kept.append(candidate)
    }
    return kept
  }

  /// The window of score position (`row`, `column`) as a rectangle of the pyramid's level 0:
  /// the window centred on the position (`centered_drect`: corners at the centre
  /// `-+ (size - 1) / 2`), mapped by `DlibTiledPyramidLayout.imageRectangle(fromTiled:)` and
  /// rounded half away from zero.
  func rectangle(row: Int, column: Int, layout: DlibTiledPyramidLayout) -> DlibRectangle {
    let halfWidth = Double(window.width - 1) / 2
    let halfHeight = Double(window.height - 1) / 2
    let x = Double(outputToInput.scale * column + outputToInput.offset)
    let y = Double(outputToInput.scale * row + outputToInput.offset)
    let mapped = layout.imageRectangle(
      fromTiled: (x - halfWidth, y - halfHeight, x + halfWidth, y + halfHeight))
    return DlibRectangle(
      left: dlibRoundHalfAwayFromZero(mapped.left), top: dlibRoundHalfAwayFromZero(mapped.top),
      right: dlibRoundHalfAwayFromZero(mapped.right),
      bottom: dlibRoundHalfAwayFromZero(mapped.bottom))
  }
}
