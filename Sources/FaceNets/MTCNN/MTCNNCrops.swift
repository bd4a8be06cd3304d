import FaceTensor

/// The R-Net and O-Net inputs: each candidate's crop, zero-padded where it leaves the image,
/// resized as the `mtcnn` package does (`__pad` and the loops of `__stage2` / `__stage3`).
enum MTCNNCrops {
  /// The pixels one candidate box covers: `width x height` pixels from 0-based column `x`, row
  /// `y` (the package copies `img[y1 - 1 : y2, x1 - 1 : x2]` into a zero array of
  /// `(y2 - y1 + 1, x2 - x1 + 1)`, with the `+ 1`/`- 1` of its MATLAB origins).
  struct Window {
    let x: Int
    let y: Int
    let width: Int
    let height: Int

    /// The window of a box with integer corners (the package converts them with `astype(int32)`,
    /// truncating toward zero).
    init(_ box: CandidateBox) {
      let (x1, y1) = (Int(box.x1.rounded(.towardZero)), Int(box.y1.rounded(.towardZero)))
      let (x2, y2) = (Int(box.x2.rounded(.towardZero)), Int(box.y2.rounded(.towardZero)))
      (x, y, width, height) = (x1 - 1, y1 - 1, x2 - x1 + 1, y2 - y1 + 1)
    }
  }

  /// The network input for `windows`: `[N, size, size, 3]`, transposed (`[n, x, y, c]`) and
  /// normalised to `(v - 127.5) * 0.0078125`.
  ///
  /// Each window is cut from `image` as floats (zeros outside the image) and resized to
  /// `size x size` with OpenCV's INTER_AREA in float64, not rounded (`Tensor.resized`), as the
  /// package resizes its float64 crops.
  /// NOTE: the resized values are rounded to float32 before the normalisation, where the package
  /// normalises in float64 and Keras rounds afterwards: inputs can differ by a float32 ulp.
  /// - Precondition: every window is at least 1x1.
  static func batch(_ windows: ArraySlice<Window>, of image: RGBImage, size: Int) -> Tensor {
    Tensor(shape: [windows.count, size, size, 3]) { output in
      let output = UnsafeSendable(output.baseAddress!)
      let first = windows.startIndex
      Parallel.forEach(windows.count) { n in
        let crop = floats(of: windows[first + n], in: image)
        MTCNNInput.writeTransposed(
          crop.resized(width: size, height: size, method: .area), size: size,
          into: output.pointer, at: n)
      }
    }
  }

  /// The pixels of `window` as floats on the 0...255 scale, `[1, height, width, 3]`, zero outside
  /// the image.
  static func floats(of window: Window, in image: RGBImage) -> Tensor {
    let left = max(window.x, 0)
    let right = max(min(window.x + window.width, image.width), left)
    let top = max(window.y, 0)
    let bottom = max(min(window.y + window.height, image.height), top)
    var crop = Tensor(zeros: [1, window.height, window.width, 3])
    image.pixels.withUnsafeBufferPointer { pixels in
      crop.withUnsafeMutableBufferPointer { values in
        for y in top..<bottom {
          let source = pixels.baseAddress! + (y * image.width + left) * 3
          let target = values.baseAddress! + ((y - window.y) * window.width + left - window.x) * 3
          for i in 0..<((right - left) * 3) { target[i] = Float(source[i]) }
        }
      }
    }
    return crop
  }
}
