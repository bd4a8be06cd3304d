import Adversary
import FaceNets
import FaceTensor

/// dlib's CNN face detector as a hiding target: an `AttackableModel` from whole photos to the
/// scores of the detector windows that would report one face.
///
/// The windows are the score-map positions whose rectangle (as `detect` reports it,
/// `DlibMMODFaceDetector.rectangle(atRow:column:of:upsampledTimes:)`) overlaps `face` with an
/// intersection over union of at least `minimumOverlap`. A window's rectangle depends only on
/// the photo's size, so the same windows are scored at every call: when every one scores at or
/// below 0 (the detector's threshold), `detect` can report no face overlapping `face` that much,
/// whatever its non-max suppression keeps. Attack it with `AttackGoal.hiding(margin:)`, the
/// margin in score units (`FaceDetectorKind.dlibCNN.defaultHidingMargin`).
///
/// ```swift
/// let model = DlibCNNHidingModel(detector: cnn, photo: Tensor(image: photo), face: box)
/// let result = try PGD().run(on: model, images: Tensor(image: photo), goal: .hiding(margin: 0.5))
/// ```
///
/// Inputs are photos `[N, H, W, 3]` of the size given (RGB, 0...255); outputs `[N, K]`, one
/// score per window (above 0: the detector reports it). `outputsWithPullback(for:)` scores the
/// float photo upsampled in floats (`DlibMMODFaceDetector.upsampled(_:times:)`) through
/// `regionScoresWithPullback(at:regions:)`; `outputs(for:)` scores it as `detect` does, rounded
/// to 8 bits and upsampled in 8 bits (`regionScores(of:upsample:regions:)`), so that an attack
/// judges success on what a saved PNG gives dlib. Only `regions`, the rectangles of the score
/// map around the windows, go through the network (the whole tiled pyramid is still built): on
/// a photo of a megapixel, a small part of the network's work.
public struct DlibCNNHidingModel: AttackableModel, Sendable {
  /// A window of the score map: its position and the rectangle it reports.
  public struct Window: Sendable, Equatable {
    /// The row of the score map `[1, OH, OW, 1]`.
    public let row: Int
    /// The column of the score map.
    public let column: Int
    /// The face rectangle the detector reports for it, in the photo's pixels.
    public let rectangle: DlibRectangle
  }

  /// The detector.
  public let detector: DlibMMODFaceDetector
  /// How many times the photo is upsampled before scanning (`detect`'s `upsample`).
  public let upsample: Int
  /// The windows scored, in the order of the outputs.
  public let windows: [Window]
  /// The rectangles of the score map that are computed: the bounding boxes of the windows'
  /// groups of neighbouring positions (one group per pyramid level the face is seen on).
  public let regions: [DlibMMODScoreRegion]
  /// Each window's region and its position in that region's scores (row-major).
  private let slots: [WindowSlot]
  /// The photo's size, `[H, W]`.
  public let photoSize: [Int]

  /// Pixel levels.
  public var inputBounds: ClosedRange<Float> { 0...255 }

  /// The windows of `detector` on `photo` that overlap `face`.
  /// - Parameters:
  ///   - detector: dlib's CNN face detector.
  ///   - photo: `[1, H, W, 3]`, RGB, 0...255: the photo to attack (its size fixes the windows).
  ///   - face: the detector's own box of the face (`FoundFace.box`, `[left, top, right - left +
  ///     1, bottom - top + 1]`).
  ///   - upsample: as `detect`'s (1, `face_recognition`'s default).
  ///   - minimumOverlap: the intersection over union with `face` from which a window counts.
  /// - Precondition: `photo` is `[1, H, W, 3]`, `upsample >= 0`, `minimumOverlap` in `0...1`.
  public init(
    detector: DlibMMODFaceDetector, photo: Tensor, face: PixelBox, upsample: Int = 1,
    minimumOverlap: Double = 0.3
  ) {
    precondition(
      photo.rank == 4 && photo.shape[0] == 1 && photo.shape[3] == 3,
      "[DlibCNNHidingModel] photo must be [1, H, W, 3], got \(photo.shape)")
    precondition(
      (0...1).contains(minimumOverlap), "[DlibCNNHidingModel] minimumOverlap \(minimumOverlap)")
    let map = detector.scoreMapGeometry(
      width: photo.shape[2], height: photo.shape[1], upsample: upsample)
    let (rows, columns) = (map.scores.shape[1], map.scores.shape[2])
    var windows: [Window] = []
    for row in 0..<rows {
      for column in 0..<columns {
        let rectangle = detector.rectangle(
          atRow: row, column: column, of: map, upsampledTimes: upsample)
        guard Self.box(of: rectangle).intersectionOverUnion(with: face) >= minimumOverlap else {
          continue
        }
        windows.append(Window(row: row, column: column, rectangle: rectangle))
      }
    }
    self.detector = detector
    self.upsample = upsample
    self.windows = windows
    (regions, slots) = Self.regions(covering: windows)
    photoSize = [photo.shape[1], photo.shape[2]]
  }

  /// The windows' scores `[N, K]` as `detect` computes them (8-bit rounding and upsampling).
  public func outputs(for images: Tensor) -> Tensor {
    rows(of: images) { image in
      gather(
        detector.regionScores(
          of: RGBImage(tensor: PixelRounding.rounded(image)), upsample: upsample,
          regions: regions))
    }
  }

  /// The windows' scores `[N, K]` of the float photos and the pullback from `[N, K]` to the
  /// photos' gradient `[N, H, W, 3]`.
  public func outputsWithPullback(for images: Tensor) -> (
    outputs: Tensor, pullback: (Tensor) -> Tensor
  ) {
    var pullbacks: [([Float]) -> Tensor] = []
    let outputs = rows(of: images) { image in
      let (upsampled, upsamplePullback) = DlibMMODFaceDetector.upsampled(image, times: upsample)
      let (scores, regionPullback) = detector.regionScoresWithPullback(
        at: upsampled, regions: regions)
      pullbacks.append { dRow in upsamplePullback(regionPullback(scatter(dRow))) }
      return gather(scores)
    }
    let (shape, k) = (images.shape, windows.count)
    return (
      outputs,
      { dOutputs in
        let dRows = dOutputs.scalars
        var dImages: [Float] = []
        dImages.reserveCapacity(shape.reduce(1, *))
        for (i, pullback) in pullbacks.enumerated() {
          dImages += pullback(Array(dRows[(i * k)..<((i + 1) * k)])).scalars
        }
        return Tensor(shape: shape, scalars: dImages)
      }
    )
  }

  /// Where a window's score is among the regions' scores.
  private struct WindowSlot: Sendable, Equatable {
    let region: Int
    let index: Int
  }

  /// The windows' scores, in order, from the regions' scores `[1, rows, columns, 1]`.
  private func gather(_ scores: [Tensor]) -> [Float] {
    let values = scores.map(\.scalars)
    return slots.map { values[$0.region][$0.index] }
  }

  /// The regions' score gradients for one gradient per window (zero elsewhere).
  private func scatter(_ windowGradients: [Float]) -> [Tensor] {
    var values = regions.map { [Float](repeating: 0, count: $0.rows.count * $0.columns.count) }
    for (slot, gradient) in zip(slots, windowGradients) {
      values[slot.region][slot.index] = gradient
    }
    return zip(regions, values).map {
      Tensor(shape: [1, $0.rows.count, $0.columns.count, 1], scalars: $1)
    }
  }

  /// One row of window scores per photo of `images` `[N, H, W, 3]`, each given by `scores` for
  /// the photo `[1, H, W, 3]`.
  private func rows(of images: Tensor, scores: (Tensor) -> [Float]) -> Tensor {
    precondition(
      images.rank == 4 && Array(images.shape[1...]) == photoSize + [3],
      "[DlibCNNHidingModel] photos must be [N, \(photoSize[0]), \(photoSize[1]), 3], got "
        + "\(images.shape)")
    let n = images.shape[0]
    var values: [Float] = []
    values.reserveCapacity(n * windows.count)
    for i in 0..<n {
      values += scores(images.batchItem(i))
    }
    return Tensor(shape: [n, windows.count], scalars: values)
  }

  /// The bounding boxes of the windows' groups of neighbouring positions (each position at most
  /// one row and one column from another of its group), and each window's slot in them.
  private static func regions(covering windows: [Window]) -> ([DlibMMODScoreRegion], [WindowSlot]) {
    var group = Array(windows.indices)
    func root(_ i: Int) -> Int {
      var i = i
      while group[i] != i { i = group[i] }
      return i
    }
    for i in windows.indices {
      for j in windows.indices where j > i {
        if abs(windows[i].row - windows[j].row) <= 1
          && abs(windows[i].column - windows[j].column) <= 1
        {
          group[root(j)] = root(i)
        }
      }
    }
    let roots = Array(Set(windows.indices.map(root))).sorted()
    let regions = roots.map { r in
      let members = windows.indices.filter { root($0) == r }.map { windows[$0] }
      return DlibMMODScoreRegion(
        rows: members.map(\.row).min()!...members.map(\.row).max()!,
        columns: members.map(\.column).min()!...members.map(\.column).max()!)
    }
    let slots = windows.indices.map { i in
      let region = roots.firstIndex(of: root(i))!
      let box = regions[region]
      return WindowSlot(
        region: region,
        index: (windows[i].row - box.rows.lowerBound) * box.columns.count + windows[i].column
          - box.columns.lowerBound)
    }
    return (regions, slots)
  }

  /// `FoundFace`'s box of a dlib rectangle: `[left, top, right - left + 1, bottom - top + 1]`.
  static func box(of rectangle: DlibRectangle) -> PixelBox {
    PixelBox(
      x: rectangle.left, y: rectangle.top, width: rectangle.right - rectangle.left + 1,
      height: rectangle.bottom - rectangle.top + 1)
  }
}
