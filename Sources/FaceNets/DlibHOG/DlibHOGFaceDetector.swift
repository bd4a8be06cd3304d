import FaceTensor
import Foundation

/// dlib's HOG frontal face detector (`dlib.get_frontal_face_detector()`): five linear filters
/// over FHOG features, scanned over a `pyramid_down<6>` image pyramid, with dlib's non-max
/// suppression.
///
/// `detect(in:upsample:)` does what dlib's Python `detector.run(img, upsample, adjust_threshold)`
/// does on an RGB image: upsample `upsample` times with `pyramid_up` (each doubling the size),
/// scan, then map every rectangle back to the original image with `pyramid_down<2>`'s
/// `rect_down`. The rectangles are dlib's exactly (see the tests); see `Detection.score` for the
/// scores.
public struct DlibHOGFaceDetector: Sendable {
  /// One detection.
  public struct Detection: Sendable, Equatable {
    /// The face rectangle in the original image's pixels (inclusive corners; it may extend past
    /// the image's edges, as dlib's does).
    public let rectangle: DlibRectangle
    /// The filter's response minus its bias (dlib's detection confidence).
    ///
    /// 0 is the default threshold. NOTE: the filters' separable approximations come from another
    /// SVD than dlib's, so on another detector file scores could differ from dlib's in the last
    /// bits; with the shipped detector the tests find them equal.
    public let score: Double
    /// Which filter fired: 0 front, 1 left looking, 2 right looking, 3 front rotated left,
    /// 4 front rotated right (the order of dlib's frontal face detector).
    public let filterIndex: Int
  }

  let model: DlibHOGModel
  /// The filters prepared for scanning, one per filter of `model`.
  let banks: [DlibHOGFilterBank]

  /// Reads a detector saved by dlib's `object_detector<scan_fhog_pyramid<pyramid_down<6>>>`
  /// serialization (`detector.save(path)` in Python).
  /// - Throws: `DlibFormatError` naming the file and the byte offset of what is wrong.
  public init(contentsOf url: URL) throws(DlibFormatError) {
    try self.init(bytes: try DlibModelFile.readBytes(of: url), fileName: url.lastPathComponent)
  }

  /// Parses the bytes of a saved detector; `fileName` is quoted in errors.
  /// - Throws: `DlibFormatError`.
  public init(bytes: [UInt8], fileName: String) throws(DlibFormatError) {
    var decoder = DlibDecoder(bytes: bytes, fileName: fileName)
    let model = try DlibHOGDetectorReader.read(&decoder)
    self.model = model
    banks = model.filters.map {
      DlibHOGFilterBank(
        weights: $0.weights, planes: DlibHOGModel.planeCount, rows: model.filterRows,
        columns: model.filterColumns)
    }
  }

  /// dlib 20.0.1's frontal face detector, shipped with FaceNets as
  /// `Resources/dlib_frontal_face_detector.svm` (see `DLIB_HOG_DETECTOR.md`).
  /// - Throws: `DlibFormatError.damagedResource` if the resource is missing, unreadable or not
  ///   the shipped file (its SHA-256 is checked first), or a format error.
  public static func frontalFaceDetector() throws(DlibFormatError) -> DlibHOGFaceDetector {
    let bytes: Data
    do throws(BundledResourceError) {
      bytes = try bundledFrontalFaceDetector.verifiedContents().bytes
    } catch {
      throw .damagedResource(error)
    }
    return try DlibHOGFaceDetector(
      bytes: [UInt8](bytes), fileName: bundledFrontalFaceDetector.fileName)
  }

  /// dlib's frontal face detector as shipped in FaceNets' resources, with its SHA-256 (as
  /// recorded in `DLIB_HOG_DETECTOR.md`).
  static let bundledFrontalFaceDetector = BundledResource(
    fileName: "dlib_frontal_face_detector.svm",
    sha256: "f3f7aa833fb4a14a46fc48689f45b98d85ef72d6dfaf8bdc012b7d3c522a5426")

  /// The number of filters (5 for the frontal face detector).
  public var filterCount: Int { model.filters.count }

  /// The faces in `image`, best first, as dlib's `detector.run(image, upsample, adjustThreshold)`.
  /// - Parameters:
  ///   - image: 8-bit RGB.
  ///   - upsample: how many times the image is doubled first (dlib's `upsample_num_times`; 1
  ///     finds faces down to about 40 pixels).
  ///   - adjustThreshold: added to every filter's threshold (0 = dlib's default).
  /// - Precondition: `upsample >= 0`.
  public func detect(in image: RGBImage, upsample: Int = 1, adjustThreshold: Double = 0)
    -> [Detection]
  {
    scan(image, upsample: upsample, adjustThreshold: adjustThreshold, window: nil)
  }

  /// The faces of `detect(in:upsample:adjustThreshold:)` that meet `window`: rectangle (in the
  /// original image) intersecting `window.region`, width in `window.widths`; computed without
  /// scanning the whole image.
  ///
  /// On every pyramid level the filters run only at positions whose rectangles lie within two
  /// rectangle sizes (of that level) of the region, and features are computed only where those
  /// positions read them; the pyramid images are still built whole. Scores are exactly those
  /// of the full search. Non-max suppression runs over all the candidates scored, so a
  /// candidate in the window is suppressed as in the full search unless the chain of
  /// suppressions reaches beyond that margin (the tests compare both on crowded photos).
  /// Cost (hog-bench, 2 loaded cores): about 0.3 s against 0.7 s for the full search on a
  /// 1126 x 661 photo, 0.5 s against 0.85 s on 910 x 1137; on small photos (500 x 334) it saves
  /// nothing, the margin covering most of the image.
  /// - Precondition: `upsample >= 0`.
  public func detect(
    in image: RGBImage, upsample: Int = 1, adjustThreshold: Double = 0, within window: SearchWindow
  ) -> [Detection] {
    scan(image, upsample: upsample, adjustThreshold: adjustThreshold, window: window)
  }

  /// Where `detect(in:upsample:adjustThreshold:within:)` looks, in the original image's pixels.
  public struct SearchWindow: Sendable, Equatable {
    /// Candidates must intersect this rectangle.
    public var region: DlibRectangle
    /// Candidates' widths (`right - left + 1`) must lie in this range.
    public var widths: ClosedRange<Int>

    /// A window from its region and width range.
    public init(region: DlibRectangle, widths: ClosedRange<Int>) {
      self.region = region
      self.widths = widths
    }

    /// The window around a face box from another detector: the box grown by `margin` times its
    /// size on every side, and widths from `box width / sizeFactor` to `box width * sizeFactor`.
    /// - Precondition: `margin >= 0`, `sizeFactor >= 1`, the box is not empty.
    public static func around(_ box: DlibRectangle, margin: Double = 0.5, sizeFactor: Double = 2)
      -> SearchWindow
    {
      precondition(!box.isEmpty, "[SearchWindow] empty box \(box)")
      precondition(
        margin >= 0 && sizeFactor >= 1,
        "[SearchWindow] margin \(margin) must be >= 0 and sizeFactor \(sizeFactor) >= 1")
      let width = Double(box.right - box.left + 1)
      let height = Double(box.bottom - box.top + 1)
      let dx = Int((margin * width).rounded(.up))
      let dy = Int((margin * height).rounded(.up))
      return SearchWindow(
        region: DlibRectangle(
          left: box.left - dx, top: box.top - dy, right: box.right + dx, bottom: box.bottom + dy),
        widths: Int((width / sizeFactor).rounded(.down))...Int((width * sizeFactor).rounded(.up)))
    }
  }
}
