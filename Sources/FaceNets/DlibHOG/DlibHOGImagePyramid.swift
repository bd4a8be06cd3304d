import FaceTensor

/// The images dlib's HOG detector scans: `pyramid_up` (with `pyramid_down<2>`'s geometry) for the
/// Python binding's upsampling, and the `pyramid_down<N>` levels of `scan_fhog_pyramid`.
enum DlibHOGImagePyramid {
  /// dlib's `pyramid_up(image, pyramid_down<2>)`: the image resized (RGB bilinear) to the size
  /// of its rectangle mapped one level up, `(2 H + 1)` rows by `(2 W + 2)` columns.
  static func up(_ image: RGBImage) -> RGBImage {
    guard image.width > 0, image.height > 0 else { return RGBImage(width: 0, height: 0) }
    let up = DlibPyramidMapping(n: 2).rectUp(
      DlibRectangle(left: 0, top: 0, right: image.width - 1, bottom: image.height - 1), levels: 1)
    guard !up.isEmpty else { return RGBImage(width: 0, height: 0) }
    return DlibRGBResize.resize(image, width: up.right + 1, height: up.bottom + 1)
  }

  /// One level of `pyramid_down<n>` for `n > 2`: `floor((n - 1) H / n)` rows by
  /// `floor((n - 1) W / n)` columns, resampled with dlib's RGB bilinear `resize_image`.
  static func down(_ image: RGBImage, n: Int) -> RGBImage {
    DlibRGBResize.resize(
      image, width: (n - 1) * image.width / n, height: (n - 1) * image.height / n)
  }

  /// How many levels `scan_fhog_pyramid` builds for a `width x height` image: the image
  /// rectangle is mapped down (`rect_down`, rounded) until it is narrower than `minWidth` or
  /// lower than `minHeight` or `maxLevels` is reached; the count includes the image itself.
  static func levelCount(
    width: Int, height: Int, n: Int, minWidth: Int, minHeight: Int, maxLevels: Int
  ) -> Int {
    let mapping = DlibPyramidMapping(n: n)
    var rect = DlibRectangle(left: 0, top: 0, right: width - 1, bottom: height - 1)
    var levels = 0
    repeat {
      rect = mapping.rectDown(rect, levels: 1)
      levels += 1
    } while rect.right - rect.left + 1 >= minWidth && rect.bottom - rect.top + 1 >= minHeight
      && levels < maxLevels
    return levels
  }
}
