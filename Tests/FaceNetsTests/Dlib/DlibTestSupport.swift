import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// Where the dlib tests find their inputs, and the fixtures they share.
///
/// Photos and the chip fixtures come from `../shared` through `SharedData`
/// (`FACEADVERSARY_SHARED`). The model files are required: a test that needs one fails with
/// `MissingModelFile` (naming the path and `make setup`) when it is not installed.
enum DlibTestSupport {
  /// The installed ResNet file, found along `ModelSearchPath` (where `make setup` puts it).
  static let resNetURL = installed(DlibModelFile.faceRecognitionResNetV1.name)
  /// The installed 5-point shape predictor file.
  static let shapePredictorURL = installed(DlibModelFile.shapePredictor5Landmarks.name)
  /// The installed CNN (MMOD) face detector file.
  static let mmodURL = installed(DlibModelFile.mmodHumanFaceDetector.name)

  /// The first existing `name` along the search path, else where `make setup` would put it.
  private static func installed(_ name: String) -> URL {
    ModelSearchPath.firstExisting(name)
      ?? ModelSearchPath.folders()[0].appendingPathComponent(name)
  }

  /// Whether `../shared` is there (recorded as not run otherwise, see `SharedData`).
  static func hasSharedData(for test: String) -> Bool {
    SharedData.isAvailable(for: test)
  }

  /// The committed fixtures of this module, `Fixtures/dlib/<name>`.
  static func fixture(_ name: String) throws -> Data {
    guard let folder = Bundle.module.resourceURL?.appendingPathComponent("Fixtures/dlib") else {
      throw CocoaError(.fileNoSuchFile)
    }
    return try Data(contentsOf: folder.appendingPathComponent(name))
  }

  /// `../shared/fixtures/dlib-chips`.
  static var chipFixtureFolder: URL { SharedData.url("fixtures/dlib-chips") }

  /// A photo of `../shared` by its path relative to that folder (`data/faces/obama.jpg`), or
  /// by the `../shared/...` form `expected.json` uses.
  static func photo(_ path: String) throws -> RGBImage {
    let relative = path.hasPrefix("../shared/") ? String(path.dropFirst("../shared/".count)) : path
    return try RGBImage(contentsOf: SharedData.url(relative))
  }

  /// FNV-1a 64 of the bytes, as 16 lower-case hex digits (the digest of
  /// `Scripts/fixtures/dlib_alignment_cases.py`).
  static func fnv1a64(_ bytes: [UInt8]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
      hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }
    let digits = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}

/// `../shared/fixtures/dlib-chips/expected.json` (the fields these tests use).
struct DlibChipFixtures: Decodable {
  struct Chip: Decodable {
    let chip: String
    let source_image: String
    let hog_rect_ltrb: [Int]
    let landmarks5_xy: [[Int]]
    let chip_rect_ltrb: [Double]
    let chip_angle_rad: Double
    let pyramid_levels_used: Int
  }
  let chips: [Chip]

  static func load() throws -> DlibChipFixtures {
    try JSONDecoder().decode(
      DlibChipFixtures.self,
      from: Data(
        contentsOf: DlibTestSupport.chipFixtureFolder.appendingPathComponent("expected.json")))
  }
}

/// `Fixtures/dlib/alignment_cases.json`, written by `Scripts/fixtures/dlib_alignment_cases.py`
/// with dlib 20.0.1.
struct DlibAlignmentCases: Decodable {
  struct Landmarks: Decodable {
    let photo: String
    let box_ltrb: [Int]
    let landmarks_xy: [[Int]]
  }
  struct Chip: Decodable {
    let photo: String
    let landmarks_xy: [[Int]]
    let chip_rect_ltrb: [Double]
    let chip_angle_rad: Double
    let pyramid_levels: Int
    let chip_fnv1a64: String
    let chip_byte_sum: Int
  }
  struct Pyramid: Decodable {
    let height: Int
    let width: Int
    let rgb: [UInt8]
    let down_height: Int
    let down_width: Int
    let down_rgb: [UInt8]
  }
  let landmark_cases: [Landmarks]
  let chip_cases: [Chip]
  let pyramid_cases: [Pyramid]

  static func load() throws -> DlibAlignmentCases {
    try JSONDecoder().decode(
      DlibAlignmentCases.self, from: DlibTestSupport.fixture("alignment_cases.json"))
  }
}

extension DlibRectangle {
  /// A rectangle from `[left, top, right, bottom]`.
  init(ltrb: [Int]) {
    self.init(left: ltrb[0], top: ltrb[1], right: ltrb[2], bottom: ltrb[3])
  }
}

/// Points from `[[x, y], ...]`.
func dlibPoints(_ xy: [[Int]]) -> [DlibPoint] {
  xy.map { DlibPoint(x: $0[0], y: $0[1]) }
}
