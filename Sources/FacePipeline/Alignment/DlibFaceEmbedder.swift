import FaceNets
import FaceTensor
import Foundation

/// One face's descriptor and where it came from.
public struct EmbeddedFace: Sendable {
  /// The detector's region (nil when the whole image was the chip).
  public let region: FaceRegion?
  /// How the chip was cut (nil when the whole image was the chip).
  public let alignment: DlibAlignedFace?
  /// The 128-D descriptor (raw, not normalised).
  public let descriptor: [Float]
}

/// Photos or chips to dlib face descriptors: alignment (`DlibFaceAligner`), dlib's 8-bit chip
/// and the ResNet (`DlibResNet`), as `face_recognition.face_encodings` computes them from a
/// face box.
public struct DlibFaceEmbedder: Sendable {
  /// The descriptor network.
  public let resNet: DlibResNet
  /// The alignment (with or without dlib's shape predictor).
  public let aligner: DlibFaceAligner

  /// An embedder from loaded models.
  ///
  /// Without `shapePredictor`, faces are aligned from MTCNN's points. `rectangleDetector`
  /// (dlib's HOG detector) gives the predictor dlib's own rectangles (see `DlibFaceAligner`).
  public init(
    resNet: DlibResNet, shapePredictor: DlibShapePredictor?,
    rectangleDetector: DlibHOGFaceDetector?
  ) {
    self.resNet = resNet
    aligner = DlibFaceAligner(
      shapePredictor: shapePredictor, rectangleDetector: rectangleDetector,
      chipSize: resNet.chipSize)
  }

  /// Loads `dlib_face_recognition_resnet_model_v1.dat` and
  /// `shape_predictor_5_face_landmarks.dat` from `models`, checking both files' SHA-256, and
  /// dlib's HOG face detector shipped with FaceNets.
  ///
  /// Without the shape predictor, faces can only be aligned from MTCNN's five points, whose
  /// descriptors lie about 0.1 from dlib's: that is an error unless
  /// `allowingApproximateAlignment` asks for it.
  /// - Parameters:
  ///   - models: the folders searched for the model files.
  ///   - allowingApproximateAlignment: when the shape predictor is not installed, align from
  ///     MTCNN's points instead of failing.
  /// - Throws: `PipelineError.modelFileNotFound` when the ResNet is missing, or the shape
  ///   predictor is missing and the approximate alignment is not allowed; `.unusableDlibModel`
  ///   when a file is damaged or differs from the published one.
  public init(models: ModelDirectory, allowingApproximateAlignment: Bool = false)
    throws(PipelineError)
  {
    let howToGet = "Install the dlib model files with `make setup` (Scripts/install_models.sh)."
    let resNetURL = try models.locate(
      DlibModelFile.faceRecognitionResNetV1.name, howToGet: howToGet)
    let predictorURL: URL?
    do throws(PipelineError) {
      predictorURL = try models.locate(
        DlibModelFile.shapePredictor5Landmarks.name,
        howToGet: howToGet
          + " Or allow the approximate alignment from MTCNN's landmarks "
          + "(allowingApproximateAlignment), whose descriptors differ from dlib's by about 0.1.")
    } catch {
      guard allowingApproximateAlignment, case .modelFileNotFound = error else { throw error }
      predictorURL = nil
    }
    do {
      self.init(
        resNet: try DlibResNet(contentsOf: resNetURL),
        shapePredictor: try predictorURL.map { url throws(DlibFormatError) in
          try DlibShapePredictor(contentsOf: url)
        },
        rectangleDetector: try DlibHOGFaceDetector.frontalFaceDetector())
    } catch {
      throw .unusableDlibModel(error)
    }
  }

  /// The descriptor of an image that already is an aligned chip; an image of another size is
  /// resized to the chip size first (OpenCV's INTER_AREA when it shrinks on both axes, bilinear
  /// otherwise).
  /// - Precondition: the image is not empty.
  public func descriptor(ofChip image: RGBImage) -> [Float] {
    let size = resNet.chipSize
    precondition(image.width > 0 && image.height > 0, "[DlibFaceEmbedder] empty chip")
    guard image.width != size || image.height != size else { return resNet.descriptor(of: image) }
    let shrinks = image.width >= size && image.height >= size
    return resNet.descriptor(
      of: image.resized(width: size, height: size, method: shrinks ? .area : .bilinear))
  }

  /// Aligns and embeds every face of `faces` found in `image`, in one batch.
  /// - Throws: `PipelineError.noLandmarks` (see `DlibFaceAligner.align(_:in:)`).
  public func embed(_ faces: [FaceRegion], in image: RGBImage) throws(PipelineError)
    -> [EmbeddedFace]
  {
    guard !faces.isEmpty else { return [] }
    let alignments = try aligner.align(faces, in: image)
    let chips = alignments.map { Tensor(image: $0.chip(from: image)) }
    let size = resNet.chipSize
    let batch = Tensor(
      shape: [chips.count, size, size, 3], scalars: chips.flatMap(\.scalars))
    let descriptors = resNet(batch).scalars
    let length = descriptors.count / faces.count
    return faces.indices.map { i in
      EmbeddedFace(
        region: faces[i], alignment: alignments[i],
        descriptor: Array(descriptors[(i * length)..<((i + 1) * length)]))
    }
  }

  /// The faces of `image` with their descriptors: every face `detector` finds, aligned and
  /// embedded, or, without a detector, the whole image as one chip (`descriptor(ofChip:)`).
  /// - Throws: the detector's errors; `PipelineError.noLandmarks`.
  public func embedFaces(in image: RGBImage, detector: (any FaceDetecting)?) throws(PipelineError)
    -> [EmbeddedFace]
  {
    guard let detector else {
      return [EmbeddedFace(region: nil, alignment: nil, descriptor: descriptor(ofChip: image))]
    }
    return try embed(try detector.faces(in: image), in: image)
  }

  /// `embedFaces(in:detector:)` for the PNG or JPEG file at `url`.
  /// - Throws: `PipelineError.unreadableImage` naming the file, and the errors of
  ///   `embedFaces(in:detector:)`.
  public func embedFaces(inImageAt url: URL, detector: (any FaceDetecting)?)
    throws(PipelineError) -> [EmbeddedFace]
  {
    try embedFaces(in: try PhotoFile.read(url), detector: detector)
  }

  /// The Euclidean distance between two descriptors (`DlibResNet.distance`): the same person
  /// when it is at most 0.6.
  public static func distance(_ a: [Float], _ b: [Float]) -> Double {
    DlibResNet.distance(a, b)
  }

  /// The index of the face with the largest box; nil when there is none.
  ///
  /// The first of equal faces wins; a face without a region (a whole-image chip) counts as the
  /// largest.
  public static func largestFace(of faces: [EmbeddedFace]) -> Int? {
    faces.indices.max { a, b in
      (faces[a].region?.area ?? .infinity) < (faces[b].region?.area ?? .infinity)
    }
  }
}
