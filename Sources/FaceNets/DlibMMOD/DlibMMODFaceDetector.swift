import FaceTensor
import Foundation

/// dlib's CNN face detector (`mmod_human_face_detector.dat`, `dlib.cnn_face_detection_model_v1`,
/// what `face_recognition.face_locations(img, model="cnn")` runs), with the gradient of its
/// scores with respect to the photo's pixels.
///
/// The photo is optionally upsampled (`pyramid_up`, each time about doubling it), laid out as a
/// tiled `pyramid_down<6>` pyramid (`DlibTiledPyramidLayout`) of normalised pixels
/// (`(pixel - mean) / 256`), and run through a fully convolutional network (three 5x5 stride-2
/// convolutions with 16, 32 and 32 filters, three 5x5 convolutions with 45, each followed by a
/// folded batch norm and a relu, then a 9x9 convolution to one score). Every score above 0 is an
/// 80x80 window of its pyramid level; the windows are mapped back to the photo, and non-max
/// suppression keeps the best of overlapping ones.
public struct DlibMMODFaceDetector: Sendable {
  /// One detection.
  public struct Detection: Sendable, Equatable {
    /// The face rectangle in the photo's pixels (inclusive corners; it may extend past the
    /// photo's edges, as dlib's does).
    public let rectangle: DlibRectangle
    /// The network's score at the window (dlib's `detection_confidence`); above 0 is a face.
    public let confidence: Double
  }

  /// The network: the tiled pyramid `[1, rows, columns, 3]` to the scores `[1, OH, OW, 1]`
  /// (layer names in `DlibMMODNetwork`).
  public let network: Network
  /// The detector window (80 x 80 pixels of a pyramid level).
  public let window: DlibMMODWindow
  /// The means of R, G and B (0...255) subtracted before dividing by 256.
  public let inputMeans: [Float]
  /// Pixels between pyramid levels in the tiled image.
  public let pyramidPadding: Int
  /// Pixels around the tiled image.
  public let pyramidOuterPadding: Int
  let decoding: DlibMMODDecoding
  /// The smallest side of a tiled image the network gives a score for.
  let smallestTiledSide: Int
  /// Which tiled pixels a rectangle of score positions reads.
  let regionGeometry: DlibMMODRegionGeometry

  /// Reads and builds the detector from `mmod_human_face_detector.dat`.
  ///
  /// The file's structure is checked, then (unless `checksum` is `.skip`) its SHA-256 against
  /// the published file's (`DlibModelFile.mmodHumanFaceDetector`).
  /// - Throws: `DlibFormatError` naming the file and what is wrong.
  public init(contentsOf url: URL, checksum: DlibChecksumPolicy = .verify) throws(DlibFormatError) {
    self.init(description: try DlibMMODDescription(contentsOf: url, checksum: checksum))
  }

  /// Builds the detector from a parsed file.
  public init(description: DlibMMODDescription) {
    network = DlibMMODNetwork.network(for: description.layers)
    window = description.window
    inputMeans = description.inputMeans
    pyramidPadding = description.pyramidPadding
    pyramidOuterPadding = description.pyramidOuterPadding
    smallestTiledSide = DlibMMODNetwork.smallestInputSide(for: description.layers)
    regionGeometry = DlibMMODRegionGeometry(layers: description.layers)
    decoding = DlibMMODDecoding(
      window: description.window,
      overlap: DlibBoxOverlap(
        iouThreshold: description.nmsIoUThreshold,
        percentCoveredThreshold: description.nmsCoveredThreshold),
      outputToInput: DlibMMODNetwork.outputToInput(for: description.layers))
  }

  /// The faces in `image`, best first, as dlib's `cnn_face_detection_model_v1(image, upsample)`.
  ///
  /// The image is upsampled in 8 bits, as dlib does, `upsample` times; the rectangles are mapped
  /// back to `image` with `pyramid_down<2>`'s `rect_down`.
  /// - Parameters:
  ///   - image: 8-bit RGB.
  ///   - upsample: how many times the image is doubled first (`face_recognition` uses 1, which
  ///     finds faces down to about 40 pixels; at 0 the smallest is about 80).
  ///   - adjustThreshold: the score a window must exceed (0 = dlib's default).
  /// - Precondition: `upsample >= 0`.
  public func detect(in image: RGBImage, upsample: Int = 1, adjustThreshold: Double = 0)
    -> [Detection]
  {
    detections(
      in: scoreMap(of: image, upsample: upsample), upsampledTimes: upsample,
      adjustThreshold: adjustThreshold)
  }

  /// The score map `detect(in:upsample:adjustThreshold:)` decodes: of `image` upsampled in 8 bits,
  /// as dlib does, `upsample` times.
  ///
  /// The tiled pyramid is built straight from the 8-bit pixels, with the same values as
  /// `scoreMap(of: Tensor(image: upsampledImage))`.
  /// - Returns: an empty map (`OH = OW = 0`) for an image too small for the network.
  /// - Precondition: `upsample >= 0`.
  public func scoreMap(of image: RGBImage, upsample: Int) -> DlibMMODScoreMap {
    let (tiled, layout) = tiledPyramid(of: image, upsample: upsample)
    guard let tiled else { return DlibMMODScoreMap(empty: layout) }
    return DlibMMODScoreMap(scores: network(tiled)[0], layout: layout)
  }

  /// `image` upsampled in 8 bits `upsample` times, as dlib does, and laid out as the tiled
  /// pyramid of normalised pixels the network reads (`DlibTiledPyramid.render`); the tiled image
  /// is nil when the network gives no score on it.
  /// - Precondition: `upsample >= 0`.
  func tiledPyramid(of image: RGBImage, upsample: Int) -> (
    tiled: Tensor?, layout: DlibTiledPyramidLayout
  ) {
    precondition(upsample >= 0, "[DlibMMODFaceDetector] upsample \(upsample)")
    var scanned = image
    for _ in 0..<upsample {
      scanned = DlibHOGImagePyramid.up(scanned)
    }
    let layout = tiledLayout(width: scanned.width, height: scanned.height)
    guard networkAccepts(layout) else { return (nil, layout) }
    let affine = normalization
    let tiled = DlibTiledPyramid(layout: layout).render(
      scanned, scale: affine.gamma.scalars, shift: affine.beta.scalars)
    return (tiled, layout)
  }

  /// The detections of a score map, best first, in the pixels of the photo that was upsampled
  /// `upsampledTimes` times to give the image the map was computed on.
  ///
  /// - Parameters:
  ///   - scores: a score map from `scoreMap(of:)` or `valueWithPullback(at:)`.
  ///   - upsampledTimes: how many times the photo was upsampled before scoring.
  ///   - adjustThreshold: the score a window must exceed (0 = dlib's default).
  public func detections(
    in scores: DlibMMODScoreMap, upsampledTimes: Int = 0, adjustThreshold: Double = 0
  ) -> [Detection] {
    let found = decoding.detections(
      in: scores.scores, layout: scores.layout, threshold: adjustThreshold)
    guard upsampledTimes > 0 else { return found }
    let down = DlibPyramidMapping(n: 2)
    return found.map {
      Detection(
        rectangle: down.rectDown($0.rectangle, levels: upsampledTimes), confidence: $0.confidence)
    }
  }
}

/// The scores of dlib's CNN face detector on one image, with the tiled pyramid they were
/// computed on.
public struct DlibMMODScoreMap: Sendable {
  /// `[1, OH, OW, 1]`: one score per window position of the tiled pyramid; above 0 is a face.
  public let scores: Tensor
  /// Where each pyramid level lies in the tiled image the network read.
  public let layout: DlibTiledPyramidLayout
}
