import FaceTensor

/// The mean structural similarity (SSIM) of two images.
///
/// As Wang, Bovik, Sheikh and Simoncelli 2004 define it and as scikit-image's `structural_similarity(a, b, channel_axis=-1, data_range=255,
/// gaussian_weights=True, sigma=1.5, use_sample_covariance=False)` computes it.
///
/// Per channel: local means, variances and covariance under an 11×11 Gaussian window (σ = 1.5,
/// truncated at radius 5 and normalised), population (not sample) covariance,
/// `SSIM = (2μₐμ_b + C₁)(2σ_ab + C₂) / ((μₐ² + μ_b² + C₁)(σₐ² + σ_b² + C₂))` with
/// `C₁ = (0.01·255)²`, `C₂ = (0.03·255)²`, averaged over the pixels whose window lies entirely
/// inside the image (scikit-image crops the 5-pixel border); then **averaged over the channels**
/// (R, G, B each weigh one third; no luminance conversion). Pixel units: levels of 0...255.
public enum StructuralSimilarity {
  /// The window's radius in pixels (an 11×11 window).
  public static let windowRadius = 5
  /// The Gaussian window's standard deviation in pixels.
  public static let sigma = 1.5
  /// The dynamic range L of the pixels (levels).
  public static let dataRange = 255.0
  /// C₁ = (K₁L)² with K₁ = 0.01.
  public static let c1 = (0.01 * dataRange) * (0.01 * dataRange)
  /// C₂ = (K₂L)² with K₂ = 0.03.
  public static let c2 = (0.03 * dataRange) * (0.03 * dataRange)

  /// The mean SSIM of two images of shape `[H, W, C]` (or `[1, H, W, C]`), or nil when H or W is
  /// below 11 (no window fits; scikit-image refuses such images too).
  /// - Precondition: equal shapes.
  public static func mean(_ a: Tensor, _ b: Tensor) -> Double? {
    precondition(a.shape == b.shape, "[ssim] shapes differ: \(a.shape) and \(b.shape)")
    let shape = a.rank == 4 && a.shape[0] == 1 ? Array(a.shape.dropFirst()) : a.shape
    precondition(shape.count == 3, "[ssim] images must be [H, W, C], got \(a.shape)")
    return a.withUnsafeBufferPointer { x in
      b.withUnsafeBufferPointer { y in
        mean(x, y, height: shape[0], width: shape[1], channels: shape[2])
      }
    }
  }

  /// The mean SSIM of two interleaved `[H, W, C]` images (see the type's doc).
  static func mean(
    _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>,
    height: Int, width: Int, channels: Int
  ) -> Double? {
    let r = windowRadius
    guard height > 2 * r, width > 2 * r else { return nil }
    let window = gaussianWindow()
    let outHeight = height - 2 * r
    let outWidth = width - 2 * r
    var total = 0.0
    var planes = [[Double]](repeating: [Double](repeating: 0, count: height * width), count: 5)
    for c in 0..<channels {
      for i in 0..<(height * width) {
        let x = Double(a[i * channels + c])
        let y = Double(b[i * channels + c])
        planes[0][i] = x
        planes[1][i] = y
        planes[2][i] = x * x
        planes[3][i] = y * y
        planes[4][i] = x * y
      }
      let f = planes.map { filterValid($0, height: height, width: width, window: window) }
      var channelTotal = 0.0
      for i in 0..<(outHeight * outWidth) {
        let (mx, my) = (f[0][i], f[1][i])
        let vx = f[2][i] - mx * mx
        let vy = f[3][i] - my * my
        let vxy = f[4][i] - mx * my
        channelTotal +=
          ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
      }
      total += channelTotal / Double(outHeight * outWidth)
    }
    return total / Double(channels)
  }

  /// The normalised 1-D Gaussian `exp(−k²/2σ²)`, `k = −r...r` (scipy's `gaussian_filter` kernel).
  private static func gaussianWindow() -> [Double] {
    let weights = (-windowRadius...windowRadius).map { k in
      exp(-Double(k * k) / (2 * sigma * sigma))
    }
    let total = weights.reduce(0, +)
    return weights.map { $0 / total }
  }

  /// The separable Gaussian filter of a `[H, W]` plane at the positions whose window fits:
  /// `[H − 2r, W − 2r]`.
  private static func filterValid(_ plane: [Double], height: Int, width: Int, window: [Double])
    -> [Double]
  {
    let r = windowRadius
    let outWidth = width - 2 * r
    let outHeight = height - 2 * r
    var rows = [Double](repeating: 0, count: height * outWidth)
    for y in 0..<height {
      for x in 0..<outWidth {
        var sum = 0.0
        for k in 0...(2 * r) { sum += window[k] * plane[y * width + x + k] }
        rows[y * outWidth + x] = sum
      }
    }
    var result = [Double](repeating: 0, count: outHeight * outWidth)
    for y in 0..<outHeight {
      for x in 0..<outWidth {
        var sum = 0.0
        for k in 0...(2 * r) { sum += window[k] * rows[(y + k) * outWidth + x] }
        result[y * outWidth + x] = sum
      }
    }
    return result
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
