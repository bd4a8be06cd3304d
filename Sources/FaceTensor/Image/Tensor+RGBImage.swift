extension Tensor {
  /// The image as a batch of one, `[1, H, W, 3]` (NHWC), channels R, G, B, values the 8-bit
  /// levels as floats in `0...255` (no scaling, no mean subtracted).
  public init(image: RGBImage) {
    self.init(shape: [1, image.height, image.width, 3], scalars: image.pixels.map(Float.init))
  }
}

extension RGBImage {
  /// The 8-bit image of a single NHWC RGB image with values on the 0...255 scale: each value is
  /// rounded to the nearest integer (ties to even, as NumPy's `rint` and OpenCV's
  /// `saturate_cast`), then clamped to `0...255`; NaN becomes 0.
  /// - Precondition: `tensor.shape` is `[1, H, W, 3]`.
  public init(tensor: Tensor) {
    let shape = tensor.shape
    precondition(
      shape.count == 4 && shape[0] == 1 && shape[3] == 3,
      "[RGBImage] expected a tensor of shape [1, H, W, 3], got \(shape)")
    let pixels = tensor.scalars.map { value -> UInt8 in
      value.isNaN ? 0 : UInt8(max(0, min(255, value.rounded(.toNearestOrEven))))
    }
    self.init(width: shape[2], height: shape[1], pixels: pixels)
  }
}
