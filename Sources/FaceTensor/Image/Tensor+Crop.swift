extension Tensor {
  /// Crops a batch of images `[N, H, W, C]` (NHWC) to `[N, height, width, C]`.
  ///
  /// The crop is the `width x height` rectangle whose top-left corner is at column `x`, row `y`.
  /// It may extend past the borders: values there are 0, as MTCNN's zero-padded crops.
  /// - Precondition: rank 4; `width, height >= 0`.
  public func cropped(x: Int, y: Int, width: Int, height: Int) -> Tensor {
    CropWindow(shape: shape, x: x, y: y, width: width, height: height).copy(from: self)
  }

  /// `cropped(x:y:width:height:)` with its pullback, which places the output gradient
  /// `[N, height, width, C]` back in a zero gradient of the input's shape (the part outside the
  /// image is dropped).
  public func croppedWithPullback(x: Int, y: Int, width: Int, height: Int)
    -> (value: Tensor, pullback: (_ outputGradient: Tensor) -> Tensor)
  {
    let window = CropWindow(shape: shape, x: x, y: y, width: width, height: height)
    return (window.copy(from: self), { window.place($0) })
  }

  /// Adds `part` `[N, height, width, C]` onto these images `[N, H, W, C]` at the rectangle whose
  /// top-left corner is at column `x`, row `y`; what falls outside the images is dropped.
  ///
  /// The accumulating form of `croppedWithPullback`'s pullback: the gradients of several crops
  /// of one image add up in one tensor.
  /// - Precondition: both rank 4 with the same `N` and `C`.
  public mutating func add(_ part: Tensor, atX x: Int, y: Int) {
    precondition(
      part.rank == 4 && rank == 4 && part.shape[0] == shape[0] && part.shape[3] == shape[3],
      "[add] a part \(part.shape) for images \(shape)")
    CropWindow(shape: shape, x: x, y: y, width: part.shape[2], height: part.shape[1])
      .add(part, into: &self)
  }
}

/// The overlap of a crop rectangle with NHWC images.
private struct CropWindow {
  let inputShape: [Int]
  let outputShape: [Int]
  let x: Int
  let y: Int
  /// The image columns and rows inside both the image and the rectangle.
  let columns: Range<Int>
  let rows: Range<Int>

  init(shape: [Int], x: Int, y: Int, width: Int, height: Int) {
    precondition(shape.count == 4, "[cropped] expected NHWC images [N, H, W, C], got \(shape)")
    precondition(
      width >= 0 && height >= 0, "[cropped] size must not be negative, got \(width)x\(height)")
    inputShape = shape
    outputShape = [shape[0], height, width, shape[3]]
    (self.x, self.y) = (x, y)
    let columnEnd = max(min(x + width, shape[2]), max(x, 0))
    let rowEnd = max(min(y + height, shape[1]), max(y, 0))
    columns = max(x, 0)..<columnEnd
    rows = max(y, 0)..<rowEnd
  }

  /// Calls `body(inputOffset, outputOffset, count)` for each run of values the crop copies.
  private func forEachRun(_ body: (Int, Int, Int) -> Void) {
    let (batch, inHeight, inWidth, channels) = (
      inputShape[0], inputShape[1], inputShape[2], inputShape[3]
    )
    let (outHeight, outWidth) = (outputShape[1], outputShape[2])
    let run = columns.count * channels
    guard run > 0 else { return }
    for n in 0..<batch {
      for row in rows {
        let input = ((n * inHeight + row) * inWidth + columns.lowerBound) * channels
        let output = ((n * outHeight + row - y) * outWidth + columns.lowerBound - x) * channels
        body(input, output, run)
      }
    }
  }

  /// Whether the rectangle lies inside the images (no value of the crop is padding).
  private var isInside: Bool {
    columns.count == outputShape[2] && rows.count == outputShape[1]
  }

  func copy(from input: Tensor) -> Tensor {
    precondition(input.shape == inputShape, "[cropped] expected \(inputShape), got \(input.shape)")
    // Every value is copied when the rectangle lies inside: no zeros to write first.
    var output = isInside ? Tensor(shape: outputShape) { _ in } : Tensor(zeros: outputShape)
    input.withUnsafeBufferPointer { source in
      output.withUnsafeMutableBufferPointer { target in
        forEachRun { from, to, count in
          for i in 0..<count { target[to + i] = source[from + i] }
        }
      }
    }
    return output
  }

  func place(_ outputGradient: Tensor) -> Tensor {
    var inputGradient = Tensor(zeros: inputShape)
    add(outputGradient, into: &inputGradient)
    return inputGradient
  }

  /// Adds `part` (the crop's shape) onto `images` (the input's shape) where the crop was read.
  func add(_ part: Tensor, into images: inout Tensor) {
    precondition(
      part.shape == outputShape,
      "[cropped] pullback expected a gradient of shape \(outputShape), got \(part.shape)")
    precondition(
      images.shape == inputShape, "[cropped] expected \(inputShape), got \(images.shape)")
    part.withUnsafeBufferPointer { source in
      images.withUnsafeMutableBufferPointer { target in
        forEachRun { to, from, count in
          for i in 0..<count { target[to + i] += source[from + i] }
        }
      }
    }
  }
}
