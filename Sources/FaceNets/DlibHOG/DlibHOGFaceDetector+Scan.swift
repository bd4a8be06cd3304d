import FaceTensor

/// The scan: pyramid, features, filter responses, thresholds, rectangles, non-max suppression.
extension DlibHOGFaceDetector {
  /// A window position above threshold, before non-max suppression.
  private struct Candidate {
    let response: Float
    let rectangle: DlibRectangle
  }

  /// One pyramid level to scan and the part of its valid area to filter.
  private struct LevelPlan {
    let level: Int
    let rows: Range<Int>
    let columns: Range<Int>
  }

  func scan(
    _ image: RGBImage, upsample: Int, adjustThreshold: Double, window: SearchWindow?
  ) -> [Detection] {
    precondition(upsample >= 0, "[DlibHOGFaceDetector] upsample must be >= 0, got \(upsample)")
    var scanned = image
    for _ in 0..<upsample { scanned = DlibHOGImagePyramid.up(scanned) }
    guard scanned.width > 0, scanned.height > 0 else { return [] }
    let plans = levelPlans(
      width: scanned.width, height: scanned.height, upsample: upsample,
      window: window)
    guard let lastLevel = plans.last?.level else { return [] }

    var candidates = [[Candidate]](repeating: [], count: model.filters.count)
    var levelImage = scanned
    var planIndex = 0
    for level in 0...lastLevel {
      if level > 0 { levelImage = DlibHOGImagePyramid.down(levelImage, n: 6) }
      guard plans[planIndex].level == level else { continue }
      let plan = plans[planIndex]
      planIndex += 1
      // The planes the filters read at the planned positions.
      let features = DlibFHOGFeatures(
        image: levelImage, cellSize: model.cellSize, filterRows: model.filterRows,
        filterColumns: model.filterColumns,
        planeRows: plan.rows.lowerBound - model.filterRows / 2..<plan.rows.upperBound
          + (model.filterRows - 1) / 2,
        planeColumns: plan.columns.lowerBound - model.filterColumns / 2..<plan.columns.upperBound
          + (model.filterColumns - 1) / 2)
      for (index, filter) in model.filters.enumerated() {
        let response = DlibHOGFilterResponse(
          features: features, bank: banks[index], filterRows: model.filterRows,
          filterColumns: model.filterColumns, rowRange: plan.rows, columnRange: plan.columns)
        let threshold = filter.bias + adjustThreshold
        for i in 0..<response.rows {
          for j in 0..<response.columns {
            let value = response.values[i * response.columns + j]
            guard Double(value) >= threshold else { continue }
            let rectangle = originalRectangle(
              row: response.firstRow + i, column: response.firstColumn + j, level: level,
              upsample: upsample)
            candidates[index].append(Candidate(response: value, rectangle: rectangle))
          }
        }
      }
    }
    let kept = suppressed(candidates)
    guard let window else { return kept }
    return kept.filter { window.admits($0.rectangle) }
  }

  /// dlib's ordering and non-max suppression: each filter's candidates by response, best first;
  /// all of them by score (response minus bias) when there are several filters; then a
  /// candidate is kept unless it overlaps (`test_box_overlap`) one kept before it.
  private func suppressed(_ candidates: [[Candidate]]) -> [Detection] {
    var all: [Detection] = []
    for (index, list) in candidates.enumerated() {
      let bias = model.filters[index].bias
      for candidate in list.sorted(by: { $0.response > $1.response }) {
        all.append(
          Detection(
            rectangle: candidate.rectangle, score: Double(candidate.response) - bias,
            filterIndex: index))
      }
    }
    if model.filters.count > 1 { all.sort { $0.score > $1.score } }
    var kept: [Detection] = []
    for detection in all
    where !kept.contains(where: { model.overlap.overlaps($0.rectangle, detection.rectangle) }) {
      kept.append(detection)
    }
    return kept
  }

  /// The detection rectangle of filter position `(row, column)` on `level`, in the original
  /// image: the window's cells mapped to the level's pixels (`fhog_to_image`), up the
  /// `pyramid_down<6>` pyramid (`rect_up(rect, level)`), then down the upsampling
  /// (`pyramid_down<2>::rect_down(rect, upsample)`), each rounded once.
  private func originalRectangle(row: Int, column: Int, level: Int, upsample: Int)
    -> DlibRectangle
  {
    let cells = DlibFHOGGeometry.centeredRect(
      x: column, y: row, width: model.filterColumns - 2 * model.padding,
      height: model.filterRows - 2 * model.padding)
    let pixels = DlibFHOGGeometry.fhogToImage(
      cells, cellSize: model.cellSize, rowsPadding: model.filterRows,
      columnsPadding: model.filterColumns)
    let scanned = DlibPyramidMapping(n: 6).rectUp(pixels, levels: level)
    return upsample == 0 ? scanned : DlibPyramidMapping(n: 2).rectDown(scanned, levels: upsample)
  }

  /// The levels to scan and, per level, the rows and columns of filter positions whose
  /// rectangles can pass `window` (all valid positions without a window).
  private func levelPlans(width: Int, height: Int, upsample: Int, window: SearchWindow?)
    -> [LevelPlan]
  {
    let count = DlibHOGImagePyramid.levelCount(
      width: width, height: height, n: 6, minWidth: model.minLayerWidth,
      minHeight: model.minLayerHeight, maxLevels: model.maxPyramidLevels)
    var plans: [LevelPlan] = []
    var (levelWidth, levelHeight) = (width, height)
    for level in 0..<count {
      if level > 0 { (levelWidth, levelHeight) = (5 * levelWidth / 6, 5 * levelHeight / 6) }
      let size = DlibFHOGFeatures.planeSize(
        imageWidth: levelWidth, imageHeight: levelHeight, cellSize: model.cellSize,
        filterRows: model.filterRows, filterColumns: model.filterColumns)
      let validRows = DlibFHOGGeometry.validPositions(planes: size.rows, filter: model.filterRows)
      let validColumns = DlibFHOGGeometry.validPositions(
        planes: size.columns, filter: model.filterColumns)
      // A level with fewer planes than the filter has no valid position.
      guard !validRows.isEmpty, !validColumns.isEmpty else { continue }
      guard let window else {
        plans.append(LevelPlan(level: level, rows: validRows, columns: validColumns))
        continue
      }
      // The context: the window's region grown by two rectangles of this level on every side,
      // so that every candidate that could suppress one in the window, or suppress such a
      // suppressor, is scored too. A rectangle's columns depend only on the position's column,
      // its rows only on its row.
      let sample = originalRectangle(
        row: validRows.lowerBound, column: validColumns.lowerBound, level: level,
        upsample: upsample)
      let growX = 2 * (sample.right - sample.left + 1)
      let growY = 2 * (sample.bottom - sample.top + 1)
      let columns = validColumns.filter { column in
        let r = originalRectangle(
          row: validRows.lowerBound, column: column, level: level, upsample: upsample)
        return r.left <= window.region.right + growX && r.right >= window.region.left - growX
      }
      let rows = validRows.filter { row in
        let r = originalRectangle(
          row: row, column: validColumns.lowerBound, level: level, upsample: upsample)
        return r.top <= window.region.bottom + growY && r.bottom >= window.region.top - growY
      }
      guard let firstColumn = columns.first, let lastColumn = columns.last,
        let firstRow = rows.first, let lastRow = rows.last
      else { continue }
      plans.append(
        LevelPlan(level: level, rows: firstRow..<lastRow + 1, columns: firstColumn..<lastColumn + 1)
      )
    }
    return plans
  }
}

extension DlibHOGFaceDetector.SearchWindow {
  /// Whether a candidate rectangle intersects the region and has an admitted width.
  func admits(_ r: DlibRectangle) -> Bool {
    r.left <= region.right && r.right >= region.left && r.top <= region.bottom
      && r.bottom >= region.top && widths.contains(r.right - r.left + 1)
  }
}
