import FaceTensor

/// A face's rectangle in image pixels, from the top-left corner: MTCNN's `[x, y, width, height]`.
public struct FaceBox: Sendable, Equatable {
  /// Left column.
  public let x: Int
  /// Top row.
  public let y: Int
  /// Width in pixels.
  public let width: Int
  /// Height in pixels.
  public let height: Int

  /// The box with top-left corner `(x, y)` and the given size.
  public init(x: Int, y: Int, width: Int, height: Int) {
    (self.x, self.y, self.width, self.height) = (x, y, width, height)
  }

  /// `[x, y, width, height]`.
  public var array: [Int] { [x, y, width, height] }
}

/// Turns a photo (or a face box in it) into a recognizer's input, as the seed write-up does: crop
/// the box, resize to the model's square input.
public enum RecognitionInput {
  /// The face in `box` (the whole image when nil) as a batch of one, `[1, side, side, 3]`, RGB
  /// on the 0...255 scale.
  ///
  /// The box is clipped to the image (as NumPy slicing clips the seed's crop), then resized to
  /// `side x side` without keeping the aspect ratio, with OpenCV's `INTER_AREA` (a box average
  /// when shrinking, which avoids aliasing as the seed's PIL resize does; linear when enlarging),
  /// rounded to 8-bit pixels like the seed's PIL image.
  /// - Returns: nil when the clipped box is empty.
  /// - Precondition: `side >= 1`.
  public static func faceTensor(from image: RGBImage, box: FaceBox?, side: Int) -> Tensor? {
    precondition(side >= 1, "[RecognitionInput] side must be positive, got \(side)")
    var face = image
    if let box {
      let left = max(box.x, 0)
      let top = max(box.y, 0)
      let right = min(box.x + box.width, image.width)
      let bottom = min(box.y + box.height, image.height)
      guard left < right, top < bottom else { return nil }
      face = image.cropped(x: left, y: top, width: right - left, height: bottom - top)
    }
    guard face.width > 0, face.height > 0 else { return nil }
    if face.width != side || face.height != side {
      face = face.resized(width: side, height: side, method: .area)
    }
    return Tensor(image: face)
  }
}
