import FaceTensor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The image pyramid P-Net scans, computed as `mtcnn` 0.1.1 does (`__compute_scale_pyramid`,
/// `__scale_image`).
enum MTCNNPyramid {
  /// The most levels scanned: 200.
  ///
  /// The valid options (`scaleFactor` at most 0.95, `minFaceSize`
  /// at least 4) give at most 176 levels for an image of 32,768 pixels per side
  /// (`ImageLimits`' largest), so the cap only stops an unchecked factor closer to 1 (or a
  /// larger in-memory image) from building levels without end; the smallest scales (the largest
  /// faces) are then not scanned.
  static let maximumLevels = 200

  /// The scales, largest first; none for an image whose shorter side is below `minFaceSize`.
  ///
  /// They are `m * factor^k` for `k = 0, 1, ...` with `m = 12 / minFaceSize`, while
  /// `min(width, height) * m * factor^k` is at least 12 (the package multiplies its running
  /// `min_layer` by the factor at each step), and at most `maximumLevels` of them.
  static func scales(width: Int, height: Int, minFaceSize: Int, scaleFactor: Double) -> [Double] {
    let m = 12 / Double(minFaceSize)
    var minLayer = Double(min(width, height)) * m
    var scales: [Double] = []
    var step = 0.0
    while minLayer >= 12 && scales.count < maximumLevels {
      scales.append(m * pow(scaleFactor, step))
      minLayer *= scaleFactor
      step += 1
    }
    return scales
  }

  /// The size of the level at `scale`: `ceil(width * scale) x ceil(height * scale)`.
  static func levelSize(width: Int, height: Int, scale: Double) -> (width: Int, height: Int) {
    (Int((Double(width) * scale).rounded(.up)), Int((Double(height) * scale).rounded(.up)))
  }

  /// The level at `scale` as P-Net reads it: the image resized with OpenCV's INTER_AREA on the
  /// 8-bit pixels (rounded to 8 bits, bit-exact with `cv2.resize`), normalised to
  /// `(v - 127.5) * 0.0078125` and transposed, `[1, levelWidth, levelHeight, 3]`.
  static func level(of image: RGBImage, scale: Double) -> Tensor {
    let size = levelSize(width: image.width, height: image.height, scale: scale)
    return MTCNNInput.transposed(
      image.resized(width: size.width, height: size.height, method: .area))
  }
}

/// The network inputs: pixels normalised as the package does and laid out transposed (axis 1 the
/// image x, axis 2 the image y).
enum MTCNNInput {
  /// `(v - 127.5) * 0.0078125` for every 8-bit level `v` (exact in float32).
  static let normalizedLevels: [Float] = (0..<256).map { Float((Double($0) - 127.5) * 0.0078125) }

  /// `[1, W, H, 3]` with `t[0, x, y, c] = (image[y, x, c] - 127.5) * 0.0078125`.
  static func transposed(_ image: RGBImage) -> Tensor {
    let (width, height) = (image.width, image.height)
    return image.pixels.withUnsafeBufferPointer { pixels in
      normalizedLevels.withUnsafeBufferPointer { table in
        Tensor(shape: [1, width, height, 3]) { output in
          let output = UnsafeSendable(output)
          Parallel.forEachChunk(of: width) { columns in
            for x in columns {
              var target = x * height * 3
              var source = x * 3
              for _ in 0..<height {
                output.pointer[target] = table[Int(pixels[source])]
                output.pointer[target + 1] = table[Int(pixels[source + 1])]
                output.pointer[target + 2] = table[Int(pixels[source + 2])]
                target += 3
                source += width * 3
              }
            }
          }
        }
      }
    }
  }

  /// Writes one crop, `[1, size, size, 3]` with values on the 0...255 scale (rows = image y),
  /// normalised and transposed into image `n` of a batch `[N, size, size, 3]`.
  static func writeTransposed(
    _ crop: Tensor, size: Int, into batch: UnsafeMutablePointer<Float>, at n: Int
  ) {
    crop.withUnsafeBufferPointer { values in
      let base = batch + n * size * size * 3
      for y in 0..<size {
        for x in 0..<size {
          for c in 0..<3 {
            base[(x * size + y) * 3 + c] = (values[(y * size + x) * 3 + c] - 127.5) * 0.0078125
          }
        }
      }
    }
  }
}
