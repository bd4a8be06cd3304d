import FaceTensor

/// One attack call's images and mask, checked, with the per-image helpers every attack shares.
///
/// Images are NHWC `[N, H, W, C]` in pixel levels of the model's bounds (0...255 for every
/// FaceAdversary model); image `i` is the `P = H · W · C` values from `i · P` of the row-major
/// storage, and so is its row of the broadcast mask.
struct AttackInputs {
  /// The clean images `[N, H, W, C]`.
  let original: Tensor
  /// N.
  let imageCount: Int
  /// `P = H · W · C`.
  let pixelsPerImage: Int
  /// The range every pixel lies in: the model's `inputBounds`.
  let bounds: ClosedRange<Float>
  /// 1 where a value may change, 0 where it may not, `[N · H · W · C]`; nil without a mask.
  let mask: [Float]?

  /// Checks `images` and `mask`.
  /// - Parameters:
  ///   - images: `[N, H, W, C]`, every extent at least 1, every value within `bounds`.
  ///   - bounds: the model's input bounds.
  ///   - mask: `[1 or N, H, W, 1 or C]` of zeros and ones, broadcast over the batch and/or the
  ///     channels; nil lets every value change.
  /// - Throws: `AttackError.invalidImageShape`, `.imagesOutOfBounds` (a NaN counts as out of
  ///   bounds), `.maskShapeMismatch` or `.invalidMaskValue`.
  init(images: Tensor, bounds: ClosedRange<Float>, mask: Tensor?) throws(AttackError) {
    let shape = images.shape
    guard shape.count == 4, shape.allSatisfy({ $0 >= 1 }) else {
      throw AttackError.invalidImageShape(shape)
    }
    let found = images.withUnsafeBufferPointer { AttackInputs.range(of: $0) }
    guard found.lowerBound >= bounds.lowerBound, found.upperBound <= bounds.upperBound else {
      throw AttackError.imagesOutOfBounds(found: found, bounds: bounds)
    }
    original = images
    self.bounds = bounds
    imageCount = shape[0]
    pixelsPerImage = shape[1] * shape[2] * shape[3]
    self.mask = try mask.map { mask throws(AttackError) in
      try AttackInputs.broadcast(mask, to: shape)
    }
  }

  /// The images `samples` of `images` `[k, H, W, C]`: `images` itself when `samples` is the whole
  /// batch (always in increasing order), else a copy into `buffer` (reused when its size fits).
  func gather(_ images: Tensor, samples: [Int], into buffer: inout Tensor) -> Tensor {
    if samples.count == imageCount { return images }
    let shape = [samples.count] + Array(images.shape.dropFirst())
    if buffer.shape != shape { buffer = Tensor(zeros: shape) }
    images.withUnsafeBufferPointer { source in
      buffer.withUnsafeMutableBufferPointer { target in
        for (k, i) in samples.enumerated() {
          _ = UnsafeMutableBufferPointer(rebasing: target[valueRange(of: k)]).update(
            fromContentsOf: UnsafeBufferPointer(rebasing: source[valueRange(of: i)]))
        }
      }
    }
    return buffer
  }

  /// Copies image `sample` of `source` into `target` (both `[N, H, W, C]`).
  func copyImage(_ sample: Int, from source: Tensor, to target: inout Tensor) {
    let range = valueRange(of: sample)
    source.withUnsafeBufferPointer { from in
      target.withUnsafeMutableBufferPointer { to in
        _ = UnsafeMutableBufferPointer(rebasing: to[range]).update(
          fromContentsOf: UnsafeBufferPointer(rebasing: from[range]))
      }
    }
  }

  /// Calls `body` with image `sample`'s `P` values of `images`, of the original and of the mask.
  func withRows<R>(
    of images: inout Tensor, sample: Int,
    _ body: (
      _ image: UnsafeMutableBufferPointer<Float>, _ original: UnsafeBufferPointer<Float>,
      _ mask: UnsafeBufferPointer<Float>?
    ) -> R
  ) -> R {
    let range = valueRange(of: sample)
    return images.withUnsafeMutableBufferPointer { values in
      original.withUnsafeBufferPointer { clean in
        let image = UnsafeMutableBufferPointer(rebasing: values[range])
        let cleanRow = UnsafeBufferPointer(rebasing: clean[range])
        guard let mask else { return body(image, cleanRow, nil) }
        return mask.withUnsafeBufferPointer {
          body(image, cleanRow, UnsafeBufferPointer(rebasing: $0[range]))
        }
      }
    }
  }

  /// `‖x − x₀‖₂` of image `sample` of `images` against the original, in levels (`Double`).
  func l2Distance(of images: Tensor, sample: Int) -> Double {
    images.withUnsafeBufferPointer { x in
      original.withUnsafeBufferPointer { x0 in
        var squared = 0.0
        for j in valueRange(of: sample) {
          let delta = Double(x[j]) - Double(x0[j])
          squared += delta * delta
        }
        return squared.squareRoot()
      }
    }
  }

  /// The indices of image `sample`'s values in the flat storage.
  private func valueRange(of sample: Int) -> Range<Int> {
    (sample * pixelsPerImage)..<((sample + 1) * pixelsPerImage)
  }

  /// The smallest and largest value; a NaN widens the range to ±infinity.
  private static func range(of values: UnsafeBufferPointer<Float>) -> ClosedRange<Float> {
    var low = Float.infinity
    var high = -Float.infinity
    for v in values {
      low = Swift.min(low, v.isNaN ? -.infinity : v)
      high = Swift.max(high, v.isNaN ? .infinity : v)
    }
    return low...high
  }

  /// `mask` `[1 or N, H, W, 1 or C]` of zeros and ones, broadcast to `[N · H · W · C]`.
  private static func broadcast(_ mask: Tensor, to shape: [Int]) throws(AttackError) -> [Float] {
    let m = mask.shape
    guard m.count == 4, m[0] == 1 || m[0] == shape[0], m[1] == shape[1], m[2] == shape[2],
      m[3] == 1 || m[3] == shape[3]
    else { throw AttackError.maskShapeMismatch(images: shape, mask: m) }
    if let bad = mask.scalars.first(where: { $0 != 0 && $0 != 1 }) {
      throw AttackError.invalidMaskValue(bad)
    }
    let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
    var result = [Float](repeating: 0, count: n * h * w * c)
    let values = mask.scalars
    for i in 0..<n {
      for p in 0..<(h * w) {
        for k in 0..<c {
          let source = ((m[0] == 1 ? 0 : i) * h * w + p) * m[3] + (m[3] == 1 ? 0 : k)
          result[(i * h * w + p) * c + k] = values[source]
        }
      }
    }
    return result
  }
}
