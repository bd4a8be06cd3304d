import Adversary
import FaceTensor
import Foundation

/// The real JPEG round trip of an image, through the project's libjpeg encoder and decoder at
/// `quality`: forward only (not differentiable), for judging an attack on what a saved file
/// will hold.
struct CodecRoundTrip: Sendable {
  /// libjpeg's quality, 1...100.
  let quality: Int

  /// `image` `[1, H, W, 3]` (RGB, 0...255; rounded to 8 bits first, as a saved file is) encoded
  /// and decoded.
  /// - Precondition: one image of at least 1x1 pixel, at most JPEG's 65,500 pixels a side.
  func callAsFunction(_ image: Tensor) -> Tensor {
    precondition(
      image.rank == 4 && image.shape[0] == 1,
      "[CodecRoundTrip] expected one image [1, H, W, 3], got \(image.shape)")
    do {
      let data = try RGBImage(tensor: PixelRounding.rounded(image)).jpegData(quality: quality)
      return Tensor(image: try RGBImage(data: data, name: "<JPEG round trip>"))
    } catch {
      preconditionFailure("[CodecRoundTrip] libjpeg failed on its own image: \(error)")
    }
  }
}
