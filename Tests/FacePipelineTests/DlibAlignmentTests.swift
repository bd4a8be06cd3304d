import FaceNets
import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FacePipeline

/// The installed dlib models and the mapping fixture, loaded once for the dlib pipeline tests.
enum DlibPipelineSupport {
  static let models = ModelDirectory()

  static func locate(_ file: DlibModelFile) -> URL? {
    try? models.locate(file.name, howToGet: "")
  }

  static var hasModels: Bool {
    locate(.faceRecognitionResNetV1) != nil && locate(.shapePredictor5Landmarks) != nil
  }

  /// Both models: the embedder with dlib's shape predictor and the one without it.
  static let embedders: Result<(dlib: DlibFaceEmbedder, fallback: DlibFaceEmbedder), Error>? = {
    guard let resNetURL = locate(.faceRecognitionResNetV1),
      let predictorURL = locate(.shapePredictor5Landmarks)
    else { return nil }
    return Result {
      let resNet = try DlibResNet(contentsOf: resNetURL)
      let predictor = try DlibShapePredictor(contentsOf: predictorURL)
      return (
        DlibFaceEmbedder(resNet: resNet, shapePredictor: predictor),
        DlibFaceEmbedder(resNet: resNet, shapePredictor: nil)
      )
    }
  }()

  /// The committed fixture `Fixtures/<name>`.
  static func fixture(_ name: String) throws -> Data {
    guard let folder = Bundle.module.resourceURL?.appendingPathComponent("Fixtures") else {
      throw CocoaError(.fileNoSuchFile)
    }
    return try Data(contentsOf: folder.appendingPathComponent(name))
  }
}

/// `Fixtures/dlib_alignment_mapping.json`, written by
/// `Scripts/fixtures/dlib_alignment_mapping.py`.
struct DlibAlignmentMapping: Decodable {
  struct Box: Decodable {
    let cx: Double
    let cy: Double
    let sw: Double
    let sh: Double
  }
  struct Template: Decodable {
    let points: [[Double]]
  }
  struct Face: Decodable {
    let image: String
    let dlib_face: Int
    let mtcnn_box_x1y1x2y2: [Double]
    let mtcnn_keypoints_xy: [[Double]]
    let hog_rect_ltrb: [Int]
    let landmarks5_xy: [[Int]]
    let descriptor: [Double]

    /// The MTCNN detection as a `FaceRegion`.
    var region: FaceRegion {
      let b = mtcnn_box_x1y1x2y2
      return FaceRegion(
        x: b[0], y: b[1], width: b[2] - b[0], height: b[3] - b[1],
        fivePoints: mtcnn_keypoints_xy.map { SIMD2($0[0], $0[1]) })
    }

    /// The photo, from `../shared/data/faces` or `../shared/data/seed`.
    func photo() throws -> RGBImage {
      for folder in ["data/faces", "data/seed"] {
        let url = SharedData.url("\(folder)/\(image)")
        if FileManager.default.fileExists(atPath: url.path) { return try RGBImage(contentsOf: url) }
      }
      throw CocoaError(.fileNoSuchFile)
    }
  }
  let matched_faces: Int
  let box: Box
  let mtcnn_template: Template
  let faces: [Face]

  static func load() throws -> DlibAlignmentMapping {
    try JSONDecoder().decode(
      DlibAlignmentMapping.self, from: DlibPipelineSupport.fixture("dlib_alignment_mapping.json"))
  }
}

@Suite struct DlibAlignmentMappingTests {
  @Test func theConstantsAreTheFittedOnes() throws {
    let fit = try DlibAlignmentMapping.load()
    #expect(fit.matched_faces == fit.faces.count && fit.matched_faces >= 5)
    #expect(MTCNNToDlibMapping.centreOffsetX == fit.box.cx)
    #expect(MTCNNToDlibMapping.centreOffsetY == fit.box.cy)
    #expect(MTCNNToDlibMapping.sidePerWidth == fit.box.sw)
    #expect(MTCNNToDlibMapping.sidePerHeight == fit.box.sh)
    #expect(MTCNNToDlibMapping.fivePointTemplate.map { [$0.x, $0.y] } == fit.mtcnn_template.points)
  }

  @Test func aRectangleIsASquareAroundTheShiftedCentre() {
    let rectangle = MTCNNToDlibMapping.dlibRectangle(
      for: FaceRegion(x: 100, y: 50, width: 80, height: 100))
    let side = (MTCNNToDlibMapping.sidePerWidth * 80 + MTCNNToDlibMapping.sidePerHeight * 100)
      .rounded()
    #expect(Double(rectangle.right - rectangle.left + 1) == side)
    #expect(Double(rectangle.bottom - rectangle.top + 1) == side)
    let centre = (
      Double(rectangle.left + rectangle.right) / 2, Double(rectangle.top + rectangle.bottom) / 2
    )
    #expect(abs(centre.0 - (140 + MTCNNToDlibMapping.centreOffsetX * 80)) <= 0.5)
    #expect(abs(centre.1 - (100 + MTCNNToDlibMapping.centreOffsetY * 100)) <= 0.5)
  }

  @Test func withoutPredictorOrPointsThereIsNothingToAlignFrom() {
    let aligner = DlibFaceAligner(shapePredictor: nil)
    #expect(throws: FaceEmbeddingError.noLandmarks) {
      try aligner.align(
        FaceRegion(x: 1, y: 1, width: 20, height: 20), in: RGBImage(width: 40, height: 40))
    }
  }

  @Test func theLargestFaceIsChosen() {
    func face(_ w: Double, _ h: Double) -> EmbeddedFace {
      EmbeddedFace(
        region: FaceRegion(x: 0, y: 0, width: w, height: h), alignment: nil, descriptor: [])
    }
    #expect(DlibFaceEmbedder.largestFace(of: []) == nil)
    #expect(DlibFaceEmbedder.largestFace(of: [face(10, 10), face(30, 5), face(12, 12)]) == 1)
    #expect(DlibFaceEmbedder.largestFace(of: [face(10, 10), face(10, 10)]) == 0)
  }
}

/// From MTCNN's reference boxes to descriptors, against dlib 20.0.1's own pipeline (HOG box,
/// landmarks, chip, network) on the faces of the mapping fixture.
@Suite(.enabled(if: DlibPipelineSupport.hasModels, "the dlib model files are not installed"))
struct DlibAlignmentPipelineTests {
  @Test(.enabled(if: SharedData.isAvailable(for: "mtcnnBoxesGiveDlibsDescriptors")))
  func mtcnnBoxesGiveDlibsDescriptors() throws {
    let embedder = try #require(DlibPipelineSupport.embedders).get().dlib
    var distances: [Double] = []
    for face in try DlibAlignmentMapping.load().faces {
      let photo = try face.photo()
      let embedded = try embedder.embed([face.region], in: photo)[0]
      #expect(embedded.alignment?.method == .shapePredictor)
      // From dlib's own HOG rectangle the pipeline is dlib's, landmark for landmark.
      let fromHOG = embedder.aligner.align(
        rectangle: DlibRectangle(
          left: face.hog_rect_ltrb[0], top: face.hog_rect_ltrb[1], right: face.hog_rect_ltrb[2],
          bottom: face.hog_rect_ltrb[3]), in: photo)
      #expect(fromHOG.landmarks == face.landmarks5_xy.map { DlibPoint(x: $0[0], y: $0[1]) })
      let distance = DlibFaceEmbedder.distance(embedded.descriptor, face.descriptor.map(Float.init))
      distances.append(distance)
      #expect(distance <= 0.10, "\(face.image) face \(face.dlib_face): distance \(distance)")
    }
    // The HOG rectangles' sides come in steps of 1.2 (dlib's detection pyramid), which no map
    // from MTCNN's box reproduces: the landmarks move by a pixel or two. The median over all
    // faces of the test photos is checked by the whole-pipeline comparison.
    let sorted = distances.sorted()
    print("MTCNN box -> dlib pipeline: descriptor distances to dlib's \(sorted)")
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "mtcnnPointsFallbackStaysOnTheSamePerson")))
  func mtcnnPointsFallbackStaysOnTheSamePerson() throws {
    let embedder = try #require(DlibPipelineSupport.embedders).get().fallback
    var distances: [Double] = []
    for face in try DlibAlignmentMapping.load().faces {
      let embedded = try embedder.embed([face.region], in: try face.photo())[0]
      #expect(embedded.alignment?.method == .mtcnnPoints)
      #expect(embedded.alignment?.landmarks == nil)
      let distance = DlibFaceEmbedder.distance(embedded.descriptor, face.descriptor.map(Float.init))
      distances.append(distance)
      #expect(distance < 0.6, "\(face.image) face \(face.dlib_face): distance \(distance)")
    }
    print("MTCNN points fallback: descriptor distances to dlib's \(distances.sorted())")
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "theMaskBoxHoldsEverythingTheChipReads")))
  func theMaskBoxHoldsEverythingTheChipReads() throws {
    let embedder = try #require(DlibPipelineSupport.embedders).get().dlib
    let face = try #require(try DlibAlignmentMapping.load().faces.first)
    let photo = try face.photo()
    let aligned = try embedder.aligner.align(face.region, in: photo)
    let box = aligned.maskBox
    let x = Tensor(image: photo)
    let (chip, pullback) = aligned.chipLayer.valueWithPullback(at: x, scope: .input)
    // The float chip truncated is dlib's 8-bit chip up to Float/Double rounding at whole levels.
    let dlibChip = aligned.chip(from: photo)
    let differing = zip(chip.scalars, dlibChip.pixels).filter { UInt8($0) != $1 }.count
    #expect(aligned.chipLayer.sampling.pyramidLevels > 0 || differing * 1000 < chip.count)
    let gradient = pullback(Tensor(repeating: 1, shape: chip.shape)).input
    var outside = 0.0
    var inside = 0.0
    for y in 0..<photo.height {
      for x in 0..<photo.width {
        let g = (0..<3).reduce(0.0) {
          $0 + Double(abs(gradient.scalars[(y * photo.width + x) * 3 + $1]))
        }
        if box.left...box.right ~= x && box.top...box.bottom ~= y {
          inside += g
        } else {
          outside += g
        }
      }
    }
    #expect(outside == 0 && inside > 0)
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "aChipOfAnotherSizeIsResizedFirst")))
  func aChipOfAnotherSizeIsResizedFirst() throws {
    let embedder = try #require(DlibPipelineSupport.embedders).get().dlib
    let chip = try RGBImage(contentsOf: SharedData.url("fixtures/dlib-chips/obama_face0.png"))
    // Every pixel doubled: INTER_AREA halves it back exactly.
    var doubled = RGBImage(width: 300, height: 300)
    for y in 0..<300 {
      for x in 0..<300 { doubled[x, y] = chip[x / 2, y / 2] }
    }
    let faces = try embedder.embedFaces(in: doubled, detector: nil)
    #expect(faces.count == 1 && faces[0].region == nil)
    #expect(faces[0].descriptor == embedder.resNet.descriptor(of: chip))
  }
}
