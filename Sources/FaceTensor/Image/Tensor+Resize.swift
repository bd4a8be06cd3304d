extension Tensor {
  /// Resizes a batch of images, `[N, H, W, C]` (NHWC, any value range and channel count) to
  /// `[N, height, width, C]`, as OpenCV's `cv2.resize(image, (width, height), interpolation=...)`
  /// on a float array: the same algorithm and weights as the 8-bit `RGBImage.resized` (see
  /// `ResizeMethod`), without any rounding.
  ///
  /// The sums are accumulated in `Double` and rounded to `Float` once, so the result equals
  /// OpenCV's float64 result (`cv2.resize` on a float64 array, as MTCNN's stages 2 and 3 do)
  /// rounded to float32, and is within about 1e-6 relative of its float32 result (whose own
  /// float32 sums, and for INTER_LINEAR Intel IPP, round differently).
  ///
  /// - Precondition: rank 4 with non-empty spatial sizes; `width, height >= 1`.
  public func resized(width: Int, height: Int, method: ResizeMethod) -> Tensor {
    ImageResampling(from: shape, width: width, height: height, method: method).apply(to: self)
  }

  /// `resized(width:height:method:)` with its pullback: the resize is linear, `y = Ry * x * Rxᵀ`
  /// per image and channel, so the pullback maps an output gradient `[N, height, width, C]` to
  /// the input gradient `Ryᵀ * dy * Rx`, `[N, H, W, C]`.
  public func resizedWithPullback(width: Int, height: Int, method: ResizeMethod)
    -> (value: Tensor, pullback: (_ outputGradient: Tensor) -> Tensor)
  {
    let resampling = ImageResampling(from: shape, width: width, height: height, method: method)
    let transposed = resampling.transposed()
    return (
      resampling.apply(to: self),
      { outputGradient in transposed.apply(to: outputGradient) }
    )
  }
}

/// A separable resampling of NHWC batches: `ResamplingTaps` along y and along x.
struct ImageResampling {
  let x: ResamplingTaps
  let y: ResamplingTaps

  init(x: ResamplingTaps, y: ResamplingTaps) {
    self.x = x
    self.y = y
  }

  /// OpenCV's resize of images of shape `shape` (`[N, H, W, C]`) to `width x height`.
  init(from shape: [Int], width: Int, height: Int, method: ResizeMethod) {
    precondition(
      shape.count == 4 && shape[1] > 0 && shape[2] > 0,
      "[resize] expected NHWC images [N, H, W, C] with H, W >= 1, got \(shape)")
    let kernel = OpenCVResizeKernel(
      sourceWidth: shape[2], sourceHeight: shape[1], width: width, height: height, method: method)
    (x, y) = ResamplingTaps.axes(of: kernel, sourceWidth: shape[2], sourceHeight: shape[1])
  }

  func transposed() -> ImageResampling { ImageResampling(x: x.transposed(), y: y.transposed()) }

  /// Applies the resampling to `[N, y.sourceCount, x.sourceCount, C]`, giving
  /// `[N, y.count, x.count, C]`: a horizontal pass into a Double buffer, then a vertical one.
  func apply(to input: Tensor) -> Tensor {
    let shape = input.shape
    precondition(
      shape.count == 4 && shape[1] == y.sourceCount && shape[2] == x.sourceCount,
      "[resize] expected [N, \(y.sourceCount), \(x.sourceCount), C], got \(shape)")
    let (batch, inHeight, channels) = (shape[0], shape[1], shape[3])
    let (outHeight, outWidth) = (y.count, x.count)
    let inRow = x.sourceCount * channels
    let outRow = outWidth * channels
    var horizontal = [Double](repeating: 0, count: inHeight * outRow)
    return Tensor(shape: [batch, outHeight, outWidth, channels]) { output in
      input.withUnsafeBufferPointer { source in
        for n in 0..<batch {
          let image = n * inHeight * inRow
          horizontal.withUnsafeMutableBufferPointer { rows in
            Parallel.forEachChunk(of: inHeight) { range in
              for sy in range {
                for dx in 0..<outWidth {
                  for c in 0..<channels {
                    var sum = 0.0
                    for k in x.rowStart[dx]..<x.rowStart[dx + 1] {
                      sum +=
                        x.weights[k]
                        * Double(source[image + sy * inRow + x.sources[k] * channels + c])
                    }
                    rows[sy * outRow + dx * channels + c] = sum
                  }
                }
              }
            }
          }
          horizontal.withUnsafeBufferPointer { rows in
            Parallel.forEachChunk(of: outHeight) { range in
              for dy in range {
                let target = (n * outHeight + dy) * outRow
                for i in 0..<outRow {
                  var sum = 0.0
                  for k in y.rowStart[dy]..<y.rowStart[dy + 1] {
                    sum += y.weights[k] * rows[y.sources[k] * outRow + i]
                  }
                  output[target + i] = Float(sum)
                }
              }
            }
          }
        }
      }
    }
  }
}
