import Crypto
import FaceTensor
import Foundation

/// Whether a loader compares a model file's SHA-256 with the published file's.
public enum DlibChecksumPolicy: Sendable, Equatable {
  /// Refuse a file whose SHA-256 differs from the published one (`checksumMismatch`).
  case verify
  /// Accept any file whose structure is valid (for edited copies and tests).
  case skip
}

/// A published dlib model file: its name and the SHA-256 of its bytes.
///
/// The three files come from the PyPI source archive `face_recognition_models==0.3.0`
/// (CC0 1.0); `Scripts/install_models.sh` installs them.
public struct DlibModelFile: Sendable, Equatable {
  /// The file name, such as `dlib_face_recognition_resnet_model_v1.dat`.
  public let name: String
  /// The lower-case hex SHA-256 of the published file.
  public let sha256: String

  /// dlib's face-recognition ResNet (22,466,066 bytes).
  public static let faceRecognitionResNetV1 = DlibModelFile(
    name: "dlib_face_recognition_resnet_model_v1.dat",
    sha256: "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30")

  /// dlib's 5-point landmark model (eye corners and nose base; 9,150,489 bytes).
  public static let shapePredictor5Landmarks = DlibModelFile(
    name: "shape_predictor_5_face_landmarks.dat",
    sha256: "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888")

  /// dlib's CNN (MMOD) face detector (729,940 bytes).
  public static let mmodHumanFaceDetector = DlibModelFile(
    name: "mmod_human_face_detector.dat",
    sha256: "4cb19393e2fbaf2b1609a9319ad5386618c886a6234ec1b971f3e87c85d87fe6")

  /// The largest dlib model file read: 256 MiB (the published ones have 0.7, 9 and 22 MB).
  public static let maxFileSize = 256 << 20

  /// Reads a whole file (mapped first, then copied once into the array).
  /// - Throws: `DlibFormatError.unreadable` naming the file: missing, not a regular file, no
  ///   permission, a symbolic-link loop, or over `maxFileSize`.
  static func readBytes(of url: URL) throws(DlibFormatError) -> [UInt8] {
    do throws(InputFileError) {
      return [UInt8](
        try InputFile.mappedContents(of: url, maxSize: maxFileSize, what: "dlib model file"))
    } catch {
      throw DlibFormatError.unreadable(file: url.lastPathComponent, reason: error.reason)
    }
  }

  /// Throws `checksumMismatch` if `policy` is `.verify` and the bytes' SHA-256 differs.
  func verify(_ bytes: [UInt8], fileName: String, policy: DlibChecksumPolicy)
    throws(DlibFormatError)
  {
    guard policy == .verify else { return }
    let found = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    if found != sha256 {
      throw DlibFormatError.checksumMismatch(file: fileName, expected: sha256, found: found)
    }
  }
}
