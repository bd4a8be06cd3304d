import FaceTensor

/// How far an image is from its original, in pixel levels of 0...255.
public struct PerturbationMetrics: Sendable, Equatable {
  /// `max_i |x_i − x₀_i|` over all pixels and channels (levels).
  public let lInfinity: Float
  /// `(Σ_i (x_i − x₀_i)²)^½` over all pixels and channels (levels).
  public let l2: Float
  /// Peak signal-to-noise ratio `10 · log₁₀(255² / MSE)` in dB, the MSE taken over all pixels and
  /// channels; `+infinity` for identical images.
  public let psnr: Float
  /// The mean SSIM (`StructuralSimilarity`: Gaussian 11×11, σ 1.5, per channel then averaged);
  /// nil when the image is smaller than 11×11.
  public let ssim: Float?

  /// The metrics of `image` against `original`, both `[H, W, C]` (or `[1, H, W, C]`).
  /// - Precondition: equal shapes.
  public init(original: Tensor, image: Tensor) {
    precondition(
      original.shape == image.shape, "[metrics] shapes differ: \(original.shape), \(image.shape)")
    let shape =
      original.rank == 4 && original.shape[0] == 1
      ? Array(original.shape.dropFirst()) : original.shape
    precondition(shape.count == 3, "[metrics] images must be [H, W, C], got \(original.shape)")
    self = original.withUnsafeBufferPointer { x0 in
      image.withUnsafeBufferPointer { x in
        PerturbationMetrics(
          original: x0, image: x, height: shape[0], width: shape[1], channels: shape[2])
      }
    }
  }

  /// The metrics of each image of `images` `[N, H, W, C]` against the same image of `originals`.
  /// - Precondition: equal rank-4 shapes.
  public static func perImage(originals: Tensor, images: Tensor) -> [PerturbationMetrics] {
    precondition(
      originals.shape == images.shape && images.rank == 4,
      "[metrics] need equal [N, H, W, C] shapes, got \(originals.shape) and \(images.shape)")
    let (n, h, w, c) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
    let size = h * w * c
    return originals.withUnsafeBufferPointer { x0 in
      images.withUnsafeBufferPointer { x in
        (0..<n).map { i in
          let range = (i * size)..<((i + 1) * size)
          return PerturbationMetrics(
            original: UnsafeBufferPointer(rebasing: x0[range]),
            image: UnsafeBufferPointer(rebasing: x[range]), height: h, width: w, channels: c)
        }
      }
    }
  }

  init(
    original: UnsafeBufferPointer<Float>, image: UnsafeBufferPointer<Float>,
    height: Int, width: Int, channels: Int
  ) {
    var largest = 0.0
    var squared = 0.0
    for i in original.indices {
      let delta = Double(image[i]) - Double(original[i])
      largest = Swift.max(largest, abs(delta))
      squared += delta * delta
    }
    lInfinity = Float(largest)
    l2 = Float(squared.squareRoot())
    let meanSquared = squared / Double(Swift.max(original.count, 1))
    psnr = meanSquared > 0 ? Float(10 * log10(255 * 255 / meanSquared)) : .infinity
    ssim = StructuralSimilarity.mean(
      original, image, height: height, width: width, channels: channels
    ).map(Float.init)
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
