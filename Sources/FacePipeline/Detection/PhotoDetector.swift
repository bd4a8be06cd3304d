import Foundation

/// Faces in photo files, found by MTCNN and, when asked, dlib's HOG and CNN detectors: what
/// `detect` needs, with FacePipeline's errors.
public struct PhotoDetector: Sendable {
  /// The detectors run, in this order.
  public let detectors: [FaceDetectorKind]
  /// MTCNN (with the bundled weights and the options given).
  public let mtcnn: MTCNN
  /// dlib's HOG detector, when `detectors` holds `.dlibHOG`.
  public let dlibHOG: DlibHOGFaceDetector?
  /// dlib's CNN detector, when `detectors` holds `.dlibCNN`.
  public let dlibCNN: DlibMMODFaceDetector?
  /// How many times the dlib detectors upsample a photo first (`pyramid_up`).
  public let upsample: Int

  /// The most upsamplings the dlib detectors accept (each one about quadruples the pixels).
  public static let upsampleRange = 0...2
  /// The most pixels dlib's CNN detector scans after upsampling: 16 megapixels.
  ///
  /// That is a 4-megapixel photo at `upsample` 1. Its tiled pyramid is about 3.3 times that, and the network's first
  /// layers hold 16 and 32 channels of a quarter and a sixteenth of it.
  public static let cnnPixelLimit = 16_000_000

  /// A detector with MTCNN's bundled weights and `options`, and the dlib detectors `detectors`
  /// names.
  ///
  /// - Parameters:
  ///   - options: MTCNN's options (they apply to MTCNN only).
  ///   - detectors: the detectors to run, in order (at least one).
  ///   - upsample: how many times the dlib detectors upsample a photo first, in `upsampleRange`
  ///     (1, the default, is what `face_recognition` uses).
  ///   - models: where `mmod_human_face_detector.dat` is looked for (dlib-cnn only).
  /// - Throws: `PipelineError.invalidOption` naming the option out of range (`minFaceSize`,
  ///   `scaleFactor`, `thresholds.pnet`, ..., `detectors`, `upsample`), `.unusableDetector` for
  ///   missing or damaged bundled MTCNN weights, `.modelFileNotFound` or `.unusableDlibModel`
  ///   for the dlib detectors' files.
  public init(
    options: MTCNNOptions = MTCNNOptions(), detectors: [FaceDetectorKind] = [.mtcnn],
    upsample: Int = 1, models: ModelDirectory = ModelDirectory()
  ) throws(PipelineError) {
    try Self.check(options)
    try Self.check(detectors: detectors, upsample: upsample)
    self.detectors = detectors
    self.upsample = upsample
    do {
      mtcnn = try MTCNN(options: options)
    } catch {
      throw .unusableDetector(error)
    }
    do {
      dlibHOG = detectors.contains(.dlibHOG) ? try DlibHOGFaceDetector.frontalFaceDetector() : nil
      if detectors.contains(.dlibCNN) {
        let url = try models.locate(
          DlibModelFile.mmodHumanFaceDetector.name,
          howToGet: "Install the dlib model files with `make setup` (Scripts/install_models.sh).")
        dlibCNN = try DlibMMODFaceDetector(contentsOf: url)
      } else {
        dlibCNN = nil
      }
    } catch let error as DlibFormatError {
      throw .unusableDlibModel(error)
    } catch let error as PipelineError {
      throw error
    } catch {
      preconditionFailure("[PhotoDetector] unexpected \(error)")
    }
  }

  /// MTCNN alone, as given (what a recognizer's `PhotoAttacker` detects faces with).
  init(mtcnn: MTCNN) {
    self.mtcnn = mtcnn
    detectors = [.mtcnn]
    upsample = 1
    dlibHOG = nil
    dlibCNN = nil
  }

  /// Checks every option's range (`MTCNNOptions.validate()`).
  /// - Throws: `PipelineError.invalidOption` for the first option out of range.
  public static func check(_ options: MTCNNOptions) throws(PipelineError) {
    do {
      try options.validate()
    } catch {
      if case .invalidOption(let name, let value, let rule) = error {
        throw .invalidOption(name: name, value: value, rule: rule)
      }
      throw .unusableDetector(error)
    }
  }

  /// Checks the detector list and the upsampling count.
  /// - Throws: `PipelineError.invalidOption` (`detectors`: empty or repeated; `upsample`: outside
  ///   `upsampleRange`).
  public static func check(detectors: [FaceDetectorKind], upsample: Int) throws(PipelineError) {
    guard !detectors.isEmpty, Set(detectors).count == detectors.count else {
      throw .invalidOption(
        name: "detectors", value: detectors.map(\.rawValue).joined(separator: ","),
        rule: "a list of detectors, each at most once, at least one")
    }
    guard upsampleRange.contains(upsample) else {
      throw .invalidOption(
        name: "upsample", value: "\(upsample)",
        rule: "\(upsampleRange.lowerBound) to \(upsampleRange.upperBound)")
    }
  }

  /// The photo at `url` and the faces each detector found in it: the detectors in order, each
  /// one's faces in its own order (best first).
  /// - Throws: `PipelineError.unreadableImage`; `.scanTooLarge` when dlib-cnn would
  ///   scan more than `cnnPixelLimit` pixels after upsampling.
  public func detect(photoAt url: URL) throws(PipelineError) -> PhotoDetections {
    let photo = try PhotoFile.read(url)
    try checkScanSize(of: photo, name: url.path)
    var mtcnnFaces: [FaceDetection] = []
    var found: [FoundFace] = []
    for detector in detectors {
      if detector == .mtcnn {
        mtcnnFaces = mtcnn.detect(in: photo)
        found += mtcnnFaces.map(FoundFace.init(mtcnn:))
      } else {
        found += faces(in: photo, by: detector)
      }
    }
    return PhotoDetections(photo: photo, faces: mtcnnFaces, detected: found)
  }

  /// The faces one of the detectors finds in `photo`, best first, as `detect(photoAt:)` reports
  /// them.
  /// - Precondition: `detectors` holds `detector`.
  public func faces(in photo: RGBImage, by detector: FaceDetectorKind) -> [FoundFace] {
    precondition(detectors.contains(detector), "[PhotoDetector] \(detector.rawValue) not loaded")
    switch detector {
    case .mtcnn:
      return mtcnn.detect(in: photo).map(FoundFace.init(mtcnn:))
    case .dlibHOG:
      return (dlibHOG?.detect(in: photo, upsample: upsample) ?? []).map {
        FoundFace(.dlibHOG, rectangle: $0.rectangle, confidence: $0.score)
      }
    case .dlibCNN:
      return (dlibCNN?.detect(in: photo, upsample: upsample) ?? []).map {
        FoundFace(.dlibCNN, rectangle: $0.rectangle, confidence: $0.confidence)
      }
    }
  }

  /// Checks that dlib-cnn, when loaded, would scan at most `cnnPixelLimit` pixels of `photo`
  /// after upsampling.
  /// - Parameters:
  ///   - photo: the photo to scan.
  ///   - name: the photo's path, for the error.
  /// - Throws: `PipelineError.scanTooLarge`.
  public func checkScanSize(of photo: RGBImage, name: String) throws(PipelineError) {
    guard dlibCNN != nil else { return }
    let scanned = photo.width * photo.height << (2 * upsample)
    guard scanned <= Self.cnnPixelLimit else {
      throw .scanTooLarge(
        image: name, detector: FaceDetectorKind.dlibCNN.rawValue, pixels: scanned,
        limit: Self.cnnPixelLimit)
    }
  }
}

/// A photo and the faces the detectors found in it.
public struct PhotoDetections: Sendable {
  /// The photo, upright 8-bit RGB.
  public let photo: RGBImage
  /// MTCNN's faces, in its order (empty when MTCNN did not run).
  public let faces: [FaceDetection]
  /// Every detector's faces: the detectors in the order they ran, each one's faces best first.
  public let detected: [FoundFace]

  /// `faces` found in `photo` by MTCNN.
  public init(photo: RGBImage, faces: [FaceDetection]) {
    self.init(photo: photo, faces: faces, detected: faces.map(FoundFace.init(mtcnn:)))
  }

  /// The faces of several detectors found in `photo`.
  public init(photo: RGBImage, faces: [FaceDetection], detected: [FoundFace]) {
    self.photo = photo
    self.faces = faces
    self.detected = detected
  }

  /// Writes the photo with each detected face's box outlined in its detector's colour and
  /// MTCNN's landmarks marked (`RGBImage.annotated(with:)`) as a PNG file, atomically.
  /// - Throws: `PipelineError.cannotWrite`.
  public func writeAnnotatedPNG(to url: URL) throws(PipelineError) {
    try PhotoFile.write(photo.annotated(with: detected), to: url, as: .png)
  }
}
