import FaceTensor

/// dlib's `pyramid_down<2>` on RGB images: a 5x5 binomial blur `[1 4 6 4 1]^T [1 4 6 4 1] / 256`
/// and halving, in integer arithmetic.
public enum DlibImagePyramid {
  /// One pyramid level down.
  ///
  /// `H x W` becomes `((H - 3) / 2) x ((W - 3) / 2)`; per channel
  /// `tmp[r][c] = x[r][2c] + 4 x[r][2c+1] + 6 x[r][2c+2] + 4 x[r][2c+3] + x[r][2c+4]`, then
  /// `out[i][c] = (tmp[2i][c] + 4 tmp[2i+1][c] + 6 tmp[2i+2][c] + 4 tmp[2i+3][c] + tmp[2i+4][c])
  /// / 256` (integer division). Only full windows are used; there is no border handling.
  /// Images with 8 or fewer rows or columns give an empty image, as in dlib.
  public static func down(_ image: RGBImage) -> RGBImage {
    guard image.height > 8, image.width > 8 else { return RGBImage(width: 0, height: 0) }
    let width = image.width, height = image.height
    let outWidth = (width - 3) / 2, outHeight = (height - 3) / 2
    var rows = [Int](repeating: 0, count: height * outWidth * 3)
    image.pixels.withUnsafeBufferPointer { x in
      for r in 0..<height {
        for c in 0..<outWidth {
          for k in 0..<3 {
            let i = (r * width + 2 * c) * 3 + k
            rows[(r * outWidth + c) * 3 + k] =
              Int(x[i]) + 4 * Int(x[i + 3]) + 6 * Int(x[i + 6]) + 4 * Int(x[i + 9]) + Int(x[i + 12])
          }
        }
      }
    }
    var out = [UInt8](repeating: 0, count: outHeight * outWidth * 3)
    let stride = outWidth * 3
    for i in 0..<outHeight {
      for j in 0..<stride {
        let t = 2 * i * stride + j
        let sum =
          rows[t] + 4 * rows[t + stride] + 6 * rows[t + 2 * stride] + 4 * rows[t + 3 * stride]
          + rows[t + 4 * stride]
        out[i * stride + j] = UInt8(sum / 256)
      }
    }
    return RGBImage(width: outWidth, height: outHeight, pixels: out)
  }
}
