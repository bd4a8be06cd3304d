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
    try shrunk("data/faces/obama.jpg", x: 180, y: 0, side: 600)
  }

  /// `obama()` written as a PNG file in `folder`.
  /// - Returns: the file's URL (`obama-small.png`).
  public static func writeObama(in folder: URL) throws -> URL {
    try write(obama(), named: "obama-small.png", in: folder)
  }

  /// `data/seed/sharon_stone1.jpg` (565x800) cut to 340x340 around the face (from column 150,
  /// row 20) and shrunk to 200x200 with INTER_AREA: one face of about 58x80 pixels (MTCNN's
  /// box), which both MTCNN and dlib-cnn (at upsample 1) find.
  /// - Throws: `ImageIOError` when the shared photo cannot be read.
  public static func sharonStone() throws -> RGBImage {
    try shrunk("data/seed/sharon_stone1.jpg", x: 150, y: 20, side: 340)
  }

  /// `sharonStone()` written as a PNG file in `folder`.
  /// - Returns: the file's URL (`sharon-small.png`).
  public static func writeSharonStone(in folder: URL) throws -> URL {
    try write(sharonStone(), named: "sharon-small.png", in: folder)
  }

  /// The shared photo at `path` cut to the `side x side` square from column `x`, row `y`, and
  /// shrunk to 200x200 with INTER_AREA.
  private static func shrunk(_ path: String, x: Int, y: Int, side: Int) throws -> RGBImage {
    try RGBImage(contentsOf: SharedData.url(path))
      .cropped(x: x, y: y, width: side, height: side)
      .resized(width: 200, height: 200, method: .area)
  }

  /// `image` written as the PNG file `name` in `folder`; its URL.
  private static func write(_ image: RGBImage, named name: String, in folder: URL) throws -> URL {
    let url = folder.appendingPathComponent(name)
    try image.writePNG(to: url)
    return url
  }
}
