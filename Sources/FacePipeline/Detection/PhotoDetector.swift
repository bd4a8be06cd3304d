import Foundation

/// Faces in photo files, found by MTCNN with the bundled weights: what `detect` needs, with
/// FacePipeline's errors.
public struct PhotoDetector: Sendable {
  /// The detector.
  public let mtcnn: MTCNN

  /// A detector with MTCNN's bundled weights and `options`.
  /// - Throws: `PipelineError.invalidOption` naming the option out of range (`minFaceSize`,
  ///   `scaleFactor`, `thresholds.pnet`, ...), `.unusableDetector` for missing or damaged
  ///   bundled weights.
  public init(options: MTCNNOptions = MTCNNOptions()) throws(PipelineError) {
    try Self.check(options)
    do {
      mtcnn = try MTCNN(options: options)
    } catch {
      throw .unusableDetector(error)
    }
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

  /// The photo at `url` and the faces in it, in MTCNN's order (by decreasing confidence).
  /// - Throws: `PipelineError.unreadableImage`.
  public func detect(photoAt url: URL) throws(PipelineError) -> PhotoDetections {
    let photo = try PhotoFile.read(url)
    return PhotoDetections(photo: photo, faces: mtcnn.detect(in: photo))
  }
}

/// A photo and the faces a detector found in it.
public struct PhotoDetections: Sendable {
  /// The photo, upright 8-bit RGB.
  public let photo: RGBImage
  /// The faces, in the detector's order.
  public let faces: [FaceDetection]

  /// `faces` found in `photo`.
  public init(photo: RGBImage, faces: [FaceDetection]) {
    self.photo = photo
    self.faces = faces
  }

  /// Writes the photo with each face's reported box outlined and its landmarks marked
  /// (`RGBImage.annotated(with:)`) as a PNG file, atomically.
  /// - Throws: `PipelineError.cannotWrite`.
  public func writeAnnotatedPNG(to url: URL) throws(PipelineError) {
    try PhotoFile.write(photo.annotated(with: faces), to: url, as: .png)
  }
}
