extension RGBImage {
  /// The upright image for a stored image with EXIF orientation `orientation`.
  ///
  /// As Pillow's `ImageOps.exif_transpose`: 2 flips left-right, 3 rotates 180 degrees, 4 flips top-bottom,
  /// 5 transposes (swaps x and y), 6 rotates 90 degrees clockwise, 7 transverses (transpose, then
  /// rotate 180 degrees), 8 rotates 90 degrees counter-clockwise. Orientations 5-8 swap width and
  /// height; 1 and values outside 1...8 leave the image as it is.
  func applyingExifOrientation(_ orientation: Int) -> RGBImage {
    guard (2...8).contains(orientation) else { return self }
    let swapsAxes = orientation >= 5
    let outWidth = swapsAxes ? height : width
    let outHeight = swapsAxes ? width : height
    let (lastX, lastY) = (width - 1, height - 1)
    // The stored pixel shown at upright position (x, y).
    let source: (Int, Int) -> (x: Int, y: Int)
    switch orientation {
    case 2: source = { x, y in (lastX - x, y) }
    case 3: source = { x, y in (lastX - x, lastY - y) }
    case 4: source = { x, y in (x, lastY - y) }
    case 5: source = { x, y in (y, x) }
    case 6: source = { x, y in (y, lastY - x) }
    case 7: source = { x, y in (lastX - y, lastY - x) }
    default: source = { x, y in (lastX - y, x) }
    }
    var result = RGBImage(width: outWidth, height: outHeight)
    pixels.withUnsafeBufferPointer { input in
      result.pixels.withUnsafeMutableBufferPointer { output in
        for y in 0..<outHeight {
          for x in 0..<outWidth {
            let (sx, sy) = source(x, y)
            let from = (sy * width + sx) * 3
            let to = (y * outWidth + x) * 3
            output[to] = input[from]
            output[to + 1] = input[from + 1]
            output[to + 2] = input[from + 2]
          }
        }
      }
    }
    return result
  }
}
