import FaceTensor

extension PixelBox {
  /// The part of a `width x height` photo an attack changes, from the pixels it must cover
  /// (columns `left..<right`, rows `top..<bottom`, possibly past the photo's edges): aligned
  /// outward to JPEG's 16-pixel blocks when `jpegBlocks`, then clipped to the photo.
  static func attackedRegion(
    left: Int, top: Int, right: Int, bottom: Int, jpegBlocks: Bool, width: Int, height: Int
  ) -> PixelBox {
    var (left, top, right, bottom) = (left, top, right, bottom)
    if jpegBlocks {
      // libjpeg's 4:2:0 MCUs are 16x16 from the photo's origin: the region's blocks must be the
      // file's blocks.
      left = max(left, 0) / 16 * 16
      top = max(top, 0) / 16 * 16
      right = (right + 15) / 16 * 16
      bottom = (bottom + 15) / 16 * 16
    }
    (left, top) = (max(left, 0), max(top, 0))
    (right, bottom) = (min(right, width), min(bottom, height))
    return PixelBox(x: left, y: top, width: right - left, height: bottom - top)
  }
}
