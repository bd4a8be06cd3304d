import FaceTensor

/// The pyramid of an image given as floats, differentiable.
extension MTCNNPyramid {
  /// The level at `scale` of `image` (`[1, H, W, 3]`, RGB on the 0...255 scale): the image
  /// resized with OpenCV's INTER_AREA to `levelSize(width:height:scale:)`, `[1, levelHeight,
  /// levelWidth, 3]` on the 0...255 scale (neither normalised nor transposed), and the pullback
  /// from its gradient to the image's.
  ///
  /// NOTE: the level is not rounded to 8 bits, where `level(of:scale:)` (the package) rounds it:
  /// for an image of 8-bit values the two differ by at most half a level per value, and that is
  /// the only difference between the float cascade and `MTCNN.detect(in:)`.
  static func resizedLevel(of image: Tensor, scale: Double)
    -> (value: Tensor, pullback: (_ levelGradient: Tensor) -> Tensor)
  {
    let size = levelSize(width: image.shape[2], height: image.shape[1], scale: scale)
    return image.resizedWithPullback(width: size.width, height: size.height, method: .area)
  }
}
