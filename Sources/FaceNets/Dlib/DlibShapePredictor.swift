import FaceTensor
import Foundation

/// dlib's face landmark model: an ensemble of regression trees (Kazemi and Sullivan 2014).
///
/// It is read from a `shape_predictor_*.dat` file such as `shape_predictor_5_face_landmarks.dat`
/// (5 points: the outer and inner corner of the eye on the image's right side, the same for the
/// left eye, and the base of the nose).
///
/// A shape is a list of points in the face box's unit square ((0, 0) = the box's top-left corner,
/// (1, 1) its bottom-right one). Prediction starts from the mean shape and runs a cascade of
/// forests; each forest reads pixel intensities at positions defined relative to the current
/// shape, and each of its trees adds a leaf's correction to the shape. See
/// `landmarks(in:face:)` for the exact arithmetic.
public struct DlibShapePredictor: Sendable {
  /// One split of a regression tree: go left when
  /// `feature[index1] - feature[index2] > threshold`.
  struct Split: Sendable {
    let index1: Int
    let index2: Int
    let threshold: Float
  }

  /// A complete binary tree stored breadth first: node `i` has children `2i+1` and `2i+2`;
  /// `leafValues` holds `splits.count + 1` corrections of `shapeLength` floats each.
  struct RegressionTree: Sendable {
    let splits: [Split]
    let leafValues: [Float]
  }

  /// One cascade level: its trees and where its feature pixels are, each as an anchor part of
  /// the mean shape plus an offset in the unit square.
  struct Cascade: Sendable {
    let trees: [RegressionTree]
    let anchorIndices: [Int]
    let deltas: [SIMD2<Float>]
  }

  /// The mean shape `(x0, y0, x1, y1, ...)` in the unit square; prediction starts here.
  let initialShape: [Float]
  /// The cascade levels in order.
  let cascades: [Cascade]

  /// The number of points the model predicts (5 for `shape_predictor_5_face_landmarks.dat`).
  public var partCount: Int { initialShape.count / 2 }

  /// Parses the file at `url`.
  ///
  /// The structure is checked first; a structurally valid file whose SHA-256 differs from the
  /// published `shape_predictor_5_face_landmarks.dat` is then refused with `checksumMismatch`,
  /// unless `checksum` is `.skip` (needed for other shape predictor files, e.g. the 68-point one).
  /// - Throws: `DlibFormatError`.
  public init(contentsOf url: URL, checksum: DlibChecksumPolicy = .verify) throws(DlibFormatError) {
    try self.init(
      bytes: try DlibModelFile.readBytes(of: url), fileName: url.lastPathComponent,
      checksum: checksum)
  }

  /// Parses the bytes of a file (see `init(contentsOf:checksum:)`); `fileName` is quoted in
  /// errors.
  /// - Throws: `DlibFormatError`.
  public init(bytes: [UInt8], fileName: String, checksum: DlibChecksumPolicy = .verify)
    throws(DlibFormatError)
  {
    var decoder = DlibDecoder(bytes: bytes, fileName: fileName)
    self = try DlibShapePredictorReader.read(&decoder)
    try DlibModelFile.shapePredictor5Landmarks.verify(bytes, fileName: fileName, policy: checksum)
  }

  init(initialShape: [Float], cascades: [Cascade]) {
    self.initialShape = initialShape
    self.cascades = cascades
  }
}
