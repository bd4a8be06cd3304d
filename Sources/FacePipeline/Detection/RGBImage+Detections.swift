import FaceTensor

extension RGBImage {
  /// A copy of the image with each MTCNN detection's reported box outlined in green and its five
  /// reported landmarks marked with red squares (`annotated(with:)` of `FoundFace`s).
  public func annotated(with detections: [FaceDetection]) -> RGBImage {
    annotated(with: detections.map(FoundFace.init(mtcnn:)))
  }

  /// A copy of the image with each face's box outlined in its detector's colour (MTCNN green,
  /// dlib-hog blue, dlib-cnn orange) and its landmarks (MTCNN's) marked with red squares.
  ///
  /// Lines are `max(1, min(width, height) / 300)` pixels thick; the parts outside the image are
  /// clipped.
  public func annotated(with faces: [FoundFace]) -> RGBImage {
    var result = self
    let thickness = max(1, min(width, height) / 300)
    for face in faces {
      let box = face.box
      let (left, top) = (box.x, box.y)
      // MTCNN's reported width is `x2 - x1` (its last column is x + width); dlib's rectangles
      // are reported as `right - left + 1`.
      let last = face.detector == .mtcnn ? 0 : 1
      let (right, bottom) = (box.x + box.width - last, box.y + box.height - last)
      let colour = Self.colour(of: face.detector)
      result.fill(columns: (left, right + 1), rows: (top, top + thickness), with: colour)
      result.fill(
        columns: (left, right + 1), rows: (bottom + 1 - thickness, bottom + 1), with: colour)
      result.fill(columns: (left, left + thickness), rows: (top, bottom + 1), with: colour)
      result.fill(
        columns: (right + 1 - thickness, right + 1), rows: (top, bottom + 1), with: colour)
      let radius = thickness + 1
      for point in face.landmarks {
        result.fill(
          columns: (point.x - radius, point.x + radius + 1),
          rows: (point.y - radius, point.y + radius + 1), with: (255, 0, 0))
      }
    }
    return result
  }

  /// The outline colour of a detector's boxes.
  static func colour(of detector: FaceDetectorKind) -> (red: UInt8, green: UInt8, blue: UInt8) {
    switch detector {
    case .mtcnn: return (0, 255, 0)
    case .dlibHOG: return (0, 128, 255)
    case .dlibCNN: return (255, 160, 0)
    }
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
