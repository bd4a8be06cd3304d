import FaceNets
import FaceTensor

/// A face aligned as dlib's face-recognition ResNet expects: where its 150x150 chip lies in the
/// photo, how that was found, and the chip itself (dlib's 8-bit chip, or the differentiable
/// float chip for attacks).
public struct DlibAlignedFace: Sendable {
  /// How the chip's geometry was found.
  public enum Method: Sendable, Equatable {
    /// dlib's 5-point shape predictor on `rectangle` (dlib's own alignment), which came from
    /// where the associated value says.
    case shapePredictor(RectangleSource)
    /// MTCNN's eyes and nose fitted to `MTCNNToDlibMapping.fivePointTemplate` (the fallback when
    /// the shape predictor file is absent; descriptors move by the amounts the tests report).
    case mtcnnPoints
  }

  /// Where the rectangle the shape predictor ran on came from.
  public enum RectangleSource: Sendable, Equatable {
    /// dlib's HOG face detector (`DlibHOGFaceDetector`): the rectangle dlib's own pipeline
    /// gives the face, so landmarks, chip and descriptor are dlib's.
    case dlibDetector
    /// Another detector's box mapped by `MTCNNToDlibMapping` (dlib's detector did not find the
    /// face): landmarks of small faces may then differ from dlib's pipeline's.
    case mappedFromDetectorBox
  }

  /// How the chip's geometry was found.
  public let method: Method
  /// The rectangle the shape predictor ran on (nil for `.mtcnnPoints`).
  public let rectangle: DlibRectangle?
  /// dlib's five landmarks (eye corners on the image's right, on its left, nose base; nil for
  /// `.mtcnnPoints`).
  public let landmarks: [DlibPoint]?
  /// The chip's rectangle and angle in the photo.
  public let details: DlibFaceChipDetails
  /// The differentiable chip for photos of the aligned photo's size: `[N, H, W, 3]` (0...255)
  /// to `[N, 150, 150, 3]`, with its adjoint.
  public let chipLayer: DlibFaceChipLayer

  /// Creates the record of an alignment for a `imageWidth x imageHeight` photo.
  public init(
    method: Method, rectangle: DlibRectangle?, landmarks: [DlibPoint]?,
    details: DlibFaceChipDetails, imageWidth: Int, imageHeight: Int
  ) {
    self.method = method
    self.rectangle = rectangle
    self.landmarks = landmarks
    self.details = details
    chipLayer = DlibFaceChipLayer(
      details: details, imageWidth: imageWidth, imageHeight: imageHeight)
  }

  /// The part of the photo the chip reads (inclusive photo pixels; empty when the chip lies
  /// outside the photo): pixels outside it cannot change the chip, so an attack's mask needs
  /// no more.
  public var maskBox: DlibRectangle { chipLayer.cropBox }

  /// dlib's own 8-bit chip of `image` (bit for bit what `dlib.get_face_chip` cuts for these
  /// landmarks): what the embedder feeds the network.
  public func chip(from image: RGBImage) -> RGBImage {
    details.extractChip(from: image)
  }
}
