import FaceTensor
import Foundation

/// Small copies of the shared face photos, for tests that attack a detector through the whole
/// photo and must stay fast.
public enum SmallFacePhoto {
  /// `data/faces/obama.jpg` (910x1137) cut to its top 600x600 around the face (columns 180..<780)
  /// and shrunk to 200x200 with INTER_AREA: one face of about 82 pixels (dlib-cnn's box), which
  /// dlib-cnn finds at upsample 1 and MTCNN at its defaults.
  /// - Throws: `ImageIOError` when the shared photo cannot be read.
  public static func obama() throws -> RGBImage {
    try RGBImage(contentsOf: SharedData.url("data/faces/obama.jpg"))
      .cropped(x: 180, y: 0, width: 600, height: 600)
      .resized(width: 200, height: 200, method: .area)
  }

  /// `obama()` written as a PNG file in `folder`.
  /// - Returns: the file's URL (`obama-small.png`).
  public static func writeObama(in folder: URL) throws -> URL {
    let url = folder.appendingPathComponent("obama-small.png")
    try obama().writePNG(to: url)
    return url
  }

  /// `data/seed/sharon_stone1.jpg` (565x800) cut to 340x340 around the face (from column 150,
  /// row 20) and shrunk to 200x200 with INTER_AREA: one face of about 58x80 pixels (MTCNN's
  /// box), which both MTCNN and dlib-cnn (at upsample 1) find.
  /// - Throws: `ImageIOError` when the shared photo cannot be read.
  public static func sharonStone() throws -> RGBImage {
    try RGBImage(contentsOf: SharedData.url("data/seed/sharon_stone1.jpg"))
      .cropped(x: 150, y: 20, width: 340, height: 340)
      .resized(width: 200, height: 200, method: .area)
  }

  /// `sharonStone()` written as a PNG file in `folder`.
  /// - Returns: the file's URL (`sharon-small.png`).
  public static func writeSharonStone(in folder: URL) throws -> URL {
    let url = folder.appendingPathComponent("sharon-small.png")
    try sharonStone().writePNG(to: url)
    return url
  }
}
