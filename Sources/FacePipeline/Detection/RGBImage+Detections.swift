import FaceTensor

extension RGBImage {
  /// A copy of the image with each detection's reported box outlined in green and its five
  /// reported landmarks marked with red squares.
  ///
  /// Lines are `max(1, min(width, height) / 300)` pixels thick; the parts outside the image are
  /// clipped.
  public func annotated(with detections: [FaceDetection]) -> RGBImage {
    var result = self
    let thickness = max(1, min(width, height) / 300)
    for detection in detections {
      let box = detection.reportedBox
      let (left, top) = (box.x, box.y)
      let (right, bottom) = (box.x + box.width, box.y + box.height)
      let green = (red: UInt8(0), green: UInt8(255), blue: UInt8(0))
      result.fill(columns: (left, right + 1), rows: (top, top + thickness), with: green)
      result.fill(
        columns: (left, right + 1), rows: (bottom + 1 - thickness, bottom + 1), with: green)
      result.fill(columns: (left, left + thickness), rows: (top, bottom + 1), with: green)
      result.fill(columns: (right + 1 - thickness, right + 1), rows: (top, bottom + 1), with: green)
      let radius = thickness + 1
      for point in detection.reportedLandmarks {
        result.fill(
          columns: (point.x - radius, point.x + radius + 1),
          rows: (point.y - radius, point.y + radius + 1), with: (255, 0, 0))
      }
    }
    return result
  }

  /// Paints the pixels in columns `columns.from..<columns.to` and rows `rows.from..<rows.to`
  /// that lie inside the image (nothing when a range is empty or reversed).
  private mutating func fill(
    columns: (from: Int, to: Int), rows: (from: Int, to: Int),
    with color: (red: UInt8, green: UInt8, blue: UInt8)
  ) {
    let (left, right) = (max(columns.from, 0), min(columns.to, width))
    let (top, bottom) = (max(rows.from, 0), min(rows.to, height))
    guard left < right, top < bottom else { return }
    for row in top..<bottom {
      for column in left..<right { self[column, row] = color }
    }
  }
}
