import FaceNets
import FaceTensor

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
  public static func faceTensor(from image: RGBImage, box: PixelBox?, side: Int) -> Tensor? {
    precondition(side >= 1, "[RecognitionInput] side must be positive, got \(side)")
    var face = image
    if let box {
      guard let inside = box.clipped(toWidth: image.width, height: image.height) else {
        return nil
      }
      face = image.cropped(x: inside.x, y: inside.y, width: inside.width, height: inside.height)
    }
    guard face.width > 0, face.height > 0 else { return nil }
    if face.width != side || face.height != side {
      face = face.resized(width: side, height: side, method: .area)
    }
    return Tensor(image: face)
  }
}
