import Adversary
import FaceNets
import FaceTensor
import Foundation

/// MTCNN as a hiding target: an `AttackableModel` from whole photos to the face scores' margins
/// of the cascade's candidates that cover one face
/// (`MTCNN.faceScoresWithPullback(in:covering:minimumOverlap:floor:)`).
///
/// A candidate's score is its face log-odds, `log(p / (1 − p))` of the face probability `p` its
/// network gives (the difference of its two logits); its margin is that minus the log-odds of
/// its stage's threshold `t` (P-Net 0.6, R-Net and O-Net 0.7 by default): `p > t` exactly when
/// the margin is above 0. Log-odds keep a useful gradient where a probability saturates (a
/// face's O-Net probability of 0.9999 moves by 1e-4 when its log-odds move by 1), and a margin
/// of 0.5 asks the same of every candidate: an O-Net probability at most 0.586.
///
/// The candidates are those of `stages` whose box overlaps `face` by an IoU of at least
/// `minimumOverlap` and whose probability is at least the threshold minus `floor`. The default
/// is O-Net's alone: the cascade reports a face only through an O-Net candidate (P-Net and
/// R-Net only propose where O-Net looks), so when every O-Net candidate covering the face is
/// below its threshold `detect` reports none there; pushing P-Net's hundreds of cells as well
/// spends the budget on them (sharon_stone1.jpg at 8/255: hidden in 27 steps with O-Net alone,
/// not in 50 with all three stages). The candidates are found anew from each image (they appear
/// and vanish as the pixels change), so each row holds at most `capacity` margins, the largest
/// first, padded with `padding` (hidden, no gradient): the outputs keep one width, as
/// `AttackGoal.hiding(margin:)` needs. Dropping the smallest margins changes neither the
/// success test nor the margin test (they hold for all when they hold for the largest). Attack
/// it with `.hiding(margin:)`, the margin in log-odds
/// (`FaceDetectorKind.mtcnn.defaultHidingMargin`).
///
/// Inputs are photos `[N, H, W, 3]` (RGB, 0...255); outputs `[N, capacity]`. Both passes run
/// the float cascade (its pyramid levels are not rounded to 8 bits as `detect`'s are); the
/// gradient goes through O-Net's (and, when asked, R-Net's) crops and P-Net over the pyramid's
/// INTER_AREA levels.
///
/// NOTE: a probability that rounds to 1 in float32 has log-odds of about 16 here and no
/// gradient (its softmax saturated).
public struct MTCNNHidingModel: AttackableModel, Sendable {
  /// What fills a row past its candidates: far below any margin, so counted as hidden.
  public static let padding: Float = -1e9

  /// The detector (its options set the pyramid and the thresholds).
  public let mtcnn: MTCNN
  /// The face, with inclusive edges (as `FaceDetection`'s `x1...y2`).
  public let face: BoxEdges
  /// The stages whose candidates are outputs.
  public let stages: Set<MTCNNFaceScores.Stage>
  /// O-Net's candidates alone (see the type's documentation for why).
  public static let defaultStages: Set<MTCNNFaceScores.Stage> = [.onet]
  /// The most margins per row.
  public let capacity: Int
  /// The IoU with `face` from which a candidate covers it.
  public let minimumOverlap: Double
  /// How far below its stage's threshold a candidate's probability may be.
  public let floor: Double

  /// Pixel levels.
  public var inputBounds: ClosedRange<Float> { 0...255 }

  /// A hiding model for the face at `face` (`FoundFace.box`: MTCNN's reported `[x, y, w, h]`,
  /// whose last column is `x + w`).
  /// - Parameters:
  ///   - mtcnn: the detector.
  ///   - face: the face's box as MTCNN reports it.
  ///   - stages: the stages whose candidates count (default: O-Net's).
  ///   - capacity: the most margins per row (default 512).
  ///   - minimumOverlap: see the property (default 0.3).
  ///   - floor: see the property (default 0.3).
  /// - Precondition: `capacity >= 1`, `floor >= 0`, `stages` not empty.
  public init(
    mtcnn: MTCNN, face: PixelBox, stages: Set<MTCNNFaceScores.Stage> = defaultStages,
    capacity: Int = 512, minimumOverlap: Double = 0.3, floor: Double = 0.3
  ) {
    precondition(
      capacity >= 1 && floor >= 0 && !stages.isEmpty,
      "[MTCNNHidingModel] capacity \(capacity), floor \(floor), \(stages.count) stages")
    self.mtcnn = mtcnn
    self.face = BoxEdges(
      left: Double(face.x), top: Double(face.y), right: Double(face.x + face.width),
      bottom: Double(face.y + face.height), counting: .inclusive)
    self.stages = stages
    self.capacity = capacity
    self.minimumOverlap = minimumOverlap
    self.floor = floor
  }

  /// The margins `[N, capacity]`.
  public func outputs(for images: Tensor) -> Tensor {
    let rows = photos(of: images).flatMap { photo in
      row(
        of: mtcnn.faceScores(
          in: photo, covering: face, minimumOverlap: minimumOverlap, floor: floor)
      ).values
    }
    return Tensor(shape: [images.shape[0], capacity], scalars: rows)
  }

  /// The margins `[N, capacity]` and the pullback from `[N, capacity]` to the photos' gradient
  /// `[N, H, W, 3]` (padding has none).
  public func outputsWithPullback(for images: Tensor) -> (
    outputs: Tensor, pullback: (Tensor) -> Tensor
  ) {
    var values: [Float] = []
    var kept: [(count: Int, indices: [Int], slopes: [Float], pullback: (Tensor) -> Tensor)] = []
    for photo in photos(of: images) {
      let (scores, pullback) = mtcnn.faceScoresWithPullback(
        in: photo, covering: face, minimumOverlap: minimumOverlap, floor: floor)
      let row = row(of: scores)
      values += row.values
      kept.append((scores.margins.count, row.indices, row.slopes, pullback))
    }
    let (shape, capacity) = (images.shape, self.capacity)
    return (
      Tensor(shape: [shape[0], capacity], scalars: values),
      { dOutputs in
        let dRows = dOutputs.scalars
        var dImages: [Float] = []
        dImages.reserveCapacity(shape.reduce(1, *))
        for (i, row) in kept.enumerated() {
          var dMargins = [Float](repeating: 0, count: row.count)
          for (slot, k) in row.indices.enumerated() {
            dMargins[k] = dRows[i * capacity + slot] * row.slopes[slot]
          }
          dImages += row.pullback(Tensor(shape: [row.count], scalars: dMargins)).scalars
        }
        return Tensor(shape: shape, scalars: dImages)
      }
    )
  }

  /// One photo's row: the log-odds margins of the `capacity` candidates of `stages` with the
  /// largest probability margins among `scores` (ties: the earlier candidate first), padded; the
  /// indices of the candidates kept, in row order; and each one's `d margin / d p`.
  private func row(of scores: MTCNNFaceScores) -> (
    values: [Float], indices: [Int], slopes: [Float]
  ) {
    let margins = scores.margins.scalars
    let chosen = Array(
      margins.indices.filter { stages.contains(scores.stages[$0]) }
        .sorted { a, b in margins[a] > margins[b] || (margins[a] == margins[b] && a < b) }
        .prefix(capacity))
    let logOdds = chosen.map { k in
      Self.logOddsMargin(margins[k], threshold: threshold(of: scores.stages[k]))
    }
    let padding = [Float](repeating: Self.padding, count: capacity - chosen.count)
    return (logOdds.map(\.value) + padding, chosen, logOdds.map(\.slope))
  }

  /// The threshold of `stage` in the detector's options.
  private func threshold(of stage: MTCNNFaceScores.Stage) -> Double {
    switch stage {
    case .pnet: return mtcnn.options.thresholds.pnet
    case .rnet: return mtcnn.options.thresholds.rnet
    case .onet: return mtcnn.options.thresholds.onet
    }
  }

  /// `log(p / (1 − p)) − log(t / (1 − t))` for the probability `p = margin + t`, and its
  /// derivative `1 / (p (1 − p))` with respect to `p`, with `p` kept within `[1e-7, 1 − 1e-7]`
  /// (a float32 probability's reach).
  static func logOddsMargin(_ margin: Float, threshold t: Double) -> (value: Float, slope: Float) {
    let p = min(max(Double(margin) + t, 1e-7), 1 - 1e-7)
    return (Float(log(p / (1 - p)) - log(t / (1 - t))), Float(1 / (p * (1 - p))))
  }

  /// The photos of `images` `[N, H, W, 3]`, each `[1, H, W, 3]`.
  private func photos(of images: Tensor) -> [Tensor] {
    precondition(
      images.rank == 4 && images.shape[3] == 3,
      "[MTCNNHidingModel] photos must be [N, H, W, 3], got \(images.shape)")
    return (0..<images.shape[0]).map(images.batchItem)
  }
}
