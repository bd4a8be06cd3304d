import FaceTensor
import FaceTestSupport
import Foundation

@testable import FaceNets

/// The MTCNN fixtures (`Fixtures/mtcnn`, made by `Scripts/reference/mtcnn_reference.py` and
/// `mtcnn_nets_reference.py` with `mtcnn==0.1.1`) and the photos they describe.
enum MTCNNFixtures {
  /// `Fixtures/mtcnn/<name>` in the test bundle.
  static func url(_ name: String) throws -> URL {
    guard let folder = Bundle.module.resourceURL?.appendingPathComponent("Fixtures/mtcnn") else {
      throw CocoaError(.fileNoSuchFile)
    }
    return folder.appendingPathComponent(name)
  }

  /// `detections.json`: what `MTCNN().detect_faces(img)` returns for every test photo.
  static func detections() throws -> ReferenceDetections {
    try JSONDecoder().decode(
      ReferenceDetections.self, from: Data(contentsOf: url("detections.json")))
  }

  /// `stages.json`: the package's intermediate candidates per photo.
  static func stages() throws -> ReferenceStages {
    try JSONDecoder().decode(ReferenceStages.self, from: Data(contentsOf: url("stages.json")))
  }

  /// `nets.h5`: network inputs and outputs of the package's Keras models.
  static func nets() throws -> HDF5File { try HDF5File(contentsOf: url("nets.h5")) }

  /// The photo of `../shared/data/faces` or `../shared/data/seed` a reference describes.
  ///
  /// Its `path` ends in `faces/<name>` or `seed/<name>`.
  static func photo(_ reference: ReferenceImage) throws -> RGBImage {
    let components = reference.path.split(separator: "/")
    let relative = "data/" + components.suffix(2).joined(separator: "/")
    return try RGBImage(contentsOf: SharedData.url(relative))
  }

  /// The photo names of `detections.json`, sorted (the test arguments).
  static let photoNames: [String] = (try? detections().images.keys.sorted()) ?? []

  /// Whether `../shared` is there (recorded as not run otherwise).
  static func hasPhotos(for test: String) -> Bool { SharedData.isAvailable(for: test) }
}

/// `detections.json`.
struct ReferenceDetections: Decodable {
  let images: [String: ReferenceImage]
}

/// One photo of `detections.json`.
struct ReferenceImage: Decodable {
  let path: String
  let width: Int
  let height: Int
  let faces: [ReferenceFace]
}

/// One face as `detect_faces` returns it, plus the float values before its `int()` conversions.
struct ReferenceFace: Decodable {
  /// `[x, y, width, height]`.
  let box: [Int]
  let confidence: Double
  /// `[x, y]` per landmark name (`left_eye`, ...).
  let keypoints: [String: [Int]]
  /// `[x1, y1, x2, y2]`.
  let rawBox: [Double]
  let rawKeypoints: RawKeypoints

  struct RawKeypoints: Decodable {
    /// Left eye, right eye, nose, mouth left, mouth right.
    let x: [Double]
    let y: [Double]
  }

  enum CodingKeys: String, CodingKey {
    case box, confidence, keypoints
    case rawBox = "raw_box_x1y1x2y2"
    case rawKeypoints = "raw_keypoints"
  }
}

/// `stages.json`.
struct ReferenceStages: Decodable {
  let images: [String: ReferenceStageImage]
  let resizeExamples: ResizeExamples

  /// `cv2.resize(src, (w, h), interpolation=cv2.INTER_AREA)` on small 8-bit and float64 arrays.
  struct ResizeExamples: Decodable {
    let cases: [ResizeExample]
  }

  enum CodingKeys: String, CodingKey {
    case images
    case resizeExamples = "cv2_resize_inter_area_examples"
  }
}

/// One OpenCV resize: row-major H x W x 3 values before and after.
struct ResizeExample: Decodable {
  let name: String
  /// `uint8` or `float64` (holding integer values, like the package's crops).
  let dtype: String
  /// `[H, W, 3]`.
  let sourceShape: [Int]
  let destinationShape: [Int]
  let source: [Int]
  let destination: [Double]

  enum CodingKeys: String, CodingKey {
    case name, dtype
    case sourceShape = "src_shape_hwc"
    case destinationShape = "dst_shape_hwc"
    case source = "src"
    case destination = "dst"
  }
}

/// The stages of one photo; box rows are `[x1, y1, x2, y2, score(, dx1, dy1, dx2, dy2)]`, rounded
/// to 4 decimals.
struct ReferenceStageImage: Decodable {
  let width: Int
  let height: Int
  let scales: [Double]
  let levels: [ReferenceLevel]
  let stage1: Stage1
  let stage2: Stage2
  let stage3: Stage3

  struct Stage1: Decodable {
    let output: [[Double]]
  }

  struct Stage2: Decodable {
    let rnetScores: [Double]?
    let output: [[Double]]?

    enum CodingKeys: String, CodingKey {
      case rnetScores = "rnet_scores_all"
      case output
    }
  }

  struct Stage3: Decodable {
    let inputBoxes: [[Int]]?
    let onetScores: [Double]?
    let output: [[Double]]?
    let points: [[Double]]?

    enum CodingKeys: String, CodingKey {
      case inputBoxes = "input_int_boxes"
      case onetScores = "onet_scores_all"
      case output
      case points = "output_points_x5y5"
    }
  }

  enum CodingKeys: String, CodingKey {
    case width, height, scales, stage1, stage2, stage3
    case levels = "stage1_per_scale"
  }
}

/// One pyramid level of `stages.json`.
struct ReferenceLevel: Decodable {
  let scale: Double
  /// `[width, height]`.
  let size: [Int]
  /// sha256 of the 8-bit level (row-major H x W x 3 RGB bytes).
  let sha256: String
  /// P-Net's output size in image orientation, `[H', W']`.
  let pnetOutputSize: [Int]
  let candidates: Int
  let afterNMS: Int
  let flipQuirk: Bool

  enum CodingKeys: String, CodingKey {
    case scale
    case size = "scaled_wh"
    case sha256 = "scaled_uint8_sha256"
    case pnetOutputSize = "pnet_output_hw"
    case candidates = "candidates_ge_threshold"
    case afterNMS = "after_scale_nms"
    case flipQuirk = "single_candidate_flipud_quirk"
  }
}

extension CandidateBox {
  /// A box from a `stages.json` row `[x1, y1, x2, y2, score, ...]`.
  init(row: [Double]) {
    self.init(x1: row[0], y1: row[1], x2: row[2], y2: row[3], score: row[4])
  }
}

/// The box `[x1, y1, x2, y2]` as continuous edges (width `x2 - x1`).
func edges(_ box: [Double]) -> BoxEdges {
  BoxEdges(left: box[0], top: box[1], right: box[2], bottom: box[3], counting: .exclusive)
}
