extension RGBImage {
  /// The `width x height` pixels whose top-left corner is at column `x`, row `y` of this image.
  ///
  /// The rectangle may extend past the image's borders (or lie outside it): pixels there are
  /// black, (0, 0, 0), as the zero-padded crops MTCNN builds around faces near the border.
  /// - Precondition: `width, height >= 0`.
  public func cropped(x: Int, y: Int, width cropWidth: Int, height cropHeight: Int) -> RGBImage {
    precondition(
      cropWidth >= 0 && cropHeight >= 0,
      "[cropped] size must not be negative, got \(cropWidth)x\(cropHeight)")
    var result = RGBImage(width: cropWidth, height: cropHeight)
    let (left, right) = (max(x, 0), min(x + cropWidth, width))
    let (top, bottom) = (max(y, 0), min(y + cropHeight, height))
    guard left < right, top < bottom else { return result }
    let columns = left..<right
    let rows = top..<bottom
    let rowBytes = columns.count * 3
    for sy in rows {
      let from = (sy * width + columns.lowerBound) * 3
      let to = ((sy - y) * cropWidth + (columns.lowerBound - x)) * 3
      result.pixels.replaceSubrange(to..<(to + rowBytes), with: pixels[from..<(from + rowBytes)])
    }
    return result
  }
}
