import FaceTensor

/// Rounding of images to the 8-bit values a saved PNG holds.
public enum PixelRounding {
  /// `images` quantised to the 256 levels of `bounds` as an 8-bit file would hold them.
  ///
  /// For the bounds 0...255 of every FaceAdversary model this is exactly
  /// `min(max(x.rounded(), 0), 255)`: round to the nearest level, halves away from zero
  /// (`2.5 → 3`), then clamp; FacePipeline's PNG writer uses the same rule. For other bounds
  /// `lo...hi` a value maps to `lo + k · (hi − lo) / 255` with `k` the rounded, clamped level.
  /// - Parameters:
  ///   - images: any shape; values in any range.
  ///   - bounds: the pixel range the 256 levels span.
  public static func rounded(_ images: Tensor, bounds: ClosedRange<Float> = 0...255) -> Tensor {
    var result = images
    result.withUnsafeMutableBufferPointer { values in
      round(values, bounds: bounds)
    }
    return result
  }

  /// Rounds `values` in place (see `rounded(_:bounds:)`).
  static func round(_ values: UnsafeMutableBufferPointer<Float>, bounds: ClosedRange<Float>) {
    let lower = bounds.lowerBound
    let level = (bounds.upperBound - bounds.lowerBound) / 255
    for i in values.indices {
      let k = ((values[i] - lower) / level).rounded(.toNearestOrAwayFromZero)
      values[i] = lower + Swift.min(Swift.max(k, 0), 255) * level
    }
  }
}
