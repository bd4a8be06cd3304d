import FaceTensor
import FaceTestSupport
import Foundation

@testable import FaceNets

/// `Fixtures/dlib_hog/detections.json`, written by `Scripts/reference/dlib_hog_reference.py`
/// with dlib 20.0.1.
struct DlibHOGReference: Decodable {
  struct Run: Decodable {
    let rects_ltrb: [[Int]]
    let scores: [Double]
    let filter_indices: [Int]

    var rectangles: [DlibRectangle] { rects_ltrb.map(DlibRectangle.init(ltrb:)) }
  }
  struct Photo: Decodable {
    let path: String
    let width: Int
    let height: Int
    let upsample0: Run
    let upsample1: Run
  }
  struct Resize: Decodable {
    let height: Int
    let width: Int
    let rgb: [UInt8]
    let out_height: Int
    let out_width: Int
    let out_rgb: [UInt8]
  }
  struct RectCase: Decodable {
    let ltrb: [Int]
    let levels: Int
    /// Corners `[l, t, r, b]` mapped by dlib, before rounding.
    let pyramid6_up: [Double]
    let pyramid6_down: [Double]
    let pyramid2_down: [Double]
    let pyramid2_up: [Double]
  }
  struct DetectorFile: Decodable {
    let size: Int
    let offsets: [String: Int]
  }
  let photos: [Photo]
  let resize_cases: [Resize]
  let rect_cases: [RectCase]
  let detector_file: DetectorFile
  /// Per filter and plane, the SVD terms dlib keeps (numpy's SVD, same threshold).
  let separable_ranks: [[Int]]

  static let shared: DlibHOGReference? = {
    guard
      let url = Bundle.module.resourceURL?.appendingPathComponent(
        "Fixtures/dlib_hog/detections.json"),
      let data = try? Data(contentsOf: url)
    else { return nil }
    return try? JSONDecoder().decode(DlibHOGReference.self, from: data)
  }()
}

/// The detector shipped with FaceNets, loaded once.
enum BundledHOGDetector {
  static let detector: DlibHOGFaceDetector? = try? DlibHOGFaceDetector.frontalFaceDetector()

  /// The resource's bytes, read from the source tree.
  static let bytes: [UInt8]? = try? [UInt8](
    Data(
      contentsOf: SharedData.packageRoot.appendingPathComponent(
        "Sources/FaceNets/Resources/dlib_frontal_face_detector.svm")))
}
