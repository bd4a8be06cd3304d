import FaceTensor
import Foundation

@testable import FaceNets

/// `Fixtures/dlib_cnn/probe.json`, written by `Scripts/reference/dlib_mmod_probe.cpp` with dlib
/// 20.0.0's C++ (the fields these tests use).
struct DlibMMODProbe: Decodable {
  /// A tiled pyramid dlib laid out: the image size, the tensor size and each level's
  /// `[left, top, right, bottom]`.
  struct Geometry: Decodable {
    let rows: Int
    let cols: Int
    let tensor_nr: Int
    let tensor_nc: Int
    let levels: [[Int]]
  }
  /// An image dlib's network scored: its pixels (or where they come from), the input tensor's
  /// shape `[1, 3, NR, NC]` and the whole score map, row-major.
  struct Scored: Decodable {
    let rows: Int
    let cols: Int
    let rgb: [UInt8]?
    let path: String?
    let input_shape: [Int]
    let score_shape: [Int]
    let scores: [Float]
  }
  /// An output position, the tiled-image point dlib centres its window on, and that window in
  /// the tiled image and in the image (`[left, top, right, bottom]` as doubles).
  struct Point: Decodable {
    let output: [Int]
    let input: [Int]
    let tensor_rect: [Double]
    let image_rect: [Double]
  }
  struct PointMapping: Decodable {
    let rows: Int
    let cols: Int
    let points: [Point]
  }
  struct Detections: Decodable {
    let rects_ltrb: [[Int]]
    let confidences: [Double]
  }
  struct Photo: Decodable {
    let path: String
    let rows: Int
    let cols: Int
    let input_shape: [Int]
    let score_shape: [Int]
    let scores: [Float]
    let upsample0: Detections
  }
  let geometry: [Geometry]
  let random_image: Scored
  let photo: Photo
  let point_mapping: PointMapping

  static let shared: DlibMMODProbe? = {
    guard
      let url = Bundle.module.resourceURL?.appendingPathComponent("Fixtures/dlib_cnn/probe.json"),
      let data = try? Data(contentsOf: url)
    else { return nil }
    return try? JSONDecoder().decode(DlibMMODProbe.self, from: data)
  }()
}
