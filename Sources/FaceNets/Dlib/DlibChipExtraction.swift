import FaceTensor
import Foundation

extension DlibFaceChipDetails {
  /// The chip dlib cuts from `image` (`extract_image_chip` with `interpolate_bilinear`), byte
  /// for byte: the reference for differentiable samplers, not meant to be differentiated.
  ///
  /// Follows `DlibChipSampling`: crop, `pyramidLevels` halvings, then for each chip pixel the
  /// sample point `(x, y)`; with `x0 = floor(x)`, `y0 = floor(y)`, `fx = x - x0`, `fy = y - y0`,
  /// each channel is `(1-fy)((1-fx) p(x0,y0) + fx p(x0+1,y0)) + fy((1-fx) p(x0,y0+1) +
  /// fx p(x0+1,y0+1))` in `Double`, truncated toward zero to a byte; black when `x0 < 0`,
  /// `y0 < 0`, `x0 + 1 >= width` or `y0 + 1 >= height`. In dlib's special case (angle exactly 0
  /// and a rectangle of exactly `size x size`) the pixels of the rectangle rounded to whole
  /// pixels are copied, black outside the photo.
  /// - Returns: a `size x size` RGB image (in the special case, the rounded rectangle's size).
  public func extractChip(from image: RGBImage) -> RGBImage {
    if angle == 0, right - left + 1 == Double(size), bottom - top + 1 == Double(size) {
      return copyChip(from: image)
    }
    let sampling = DlibChipSampling(
      details: self, imageWidth: image.width, imageHeight: image.height)
    let box = sampling.cropBox
    var source = image.cropped(
      x: box.left, y: box.top, width: max(box.right - box.left + 1, 0),
      height: max(box.bottom - box.top + 1, 0))
    for _ in 0..<sampling.pyramidLevels {
      source = DlibImagePyramid.down(source)
    }
    return Self.resample(source, with: sampling.chipToSource, size: size)
  }

  /// Bilinear resampling of `source` at `map(c, r)` for every chip pixel.
  private static func resample(
    _ source: RGBImage, with map: DlibAffineTransform, size: Int
  ) -> RGBImage {
    var chip = [UInt8](repeating: 0, count: size * size * 3)
    let width = source.width, height = source.height
    source.pixels.withUnsafeBufferPointer { p in
      for r in 0..<size {
        for c in 0..<size {
          let (x, y) = map.apply(x: Double(c), y: Double(r))
          let left = x.rounded(.down), top = y.rounded(.down)
          guard left >= 0, top >= 0, left + 1 < Double(width), top + 1 < Double(height) else {
            continue
          }
          let fx = x - left, fy = y - top
          let topLeft = (Int(top) * width + Int(left)) * 3
          let bottomLeft = topLeft + width * 3
          let out = (r * size + c) * 3
          for k in 0..<3 {
            let value =
              (1 - fy) * ((1 - fx) * Double(p[topLeft + k]) + fx * Double(p[topLeft + 3 + k]))
              + fy * ((1 - fx) * Double(p[bottomLeft + k]) + fx * Double(p[bottomLeft + 3 + k]))
            chip[out + k] = UInt8(min(max(value, 0), 255))
          }
        }
      }
    }
    return RGBImage(width: size, height: size, pixels: chip)
  }

  /// dlib's `basic_extract_image_chip`: the rectangle rounded to whole pixels (half away from
  /// zero, so it can be one pixel wider or taller than `size`), copied.
  private func copyChip(from image: RGBImage) -> RGBImage {
    let box = DlibRectangle(
      left: lround(left), top: lround(top), right: lround(right), bottom: lround(bottom))
    let width = box.right - box.left + 1, height = box.bottom - box.top + 1
    var chip = RGBImage(width: width, height: height)
    for r in 0..<height {
      for c in 0..<width {
        let x = box.left + c, y = box.top + r
        if x >= 0, x < image.width, y >= 0, y < image.height {
          chip[c, r] = image[x, y]
        }
      }
    }
    return chip
  }
}
