import FaceTensor

/// The MTCNN candidates that cover one face, each with its face probability's margin over the
/// threshold of the stage that scored it (`MTCNN.faceScores(in:covering:minimumOverlap:floor:)`).
///
/// The candidates come in cascade order: P-Net's cells (pyramid level by level, largest scale
/// first; within a level by level x, then y), then R-Net's proposals (stage 1's order, highest
/// P-Net score first), then O-Net's boxes (stage 2's order, highest R-Net score first).
public struct MTCNNFaceScores: Sendable {
  /// Per candidate: which stage scored it.
  public enum Stage: String, Sendable {
    /// A P-Net cell of the image pyramid.
    case pnet
    /// An R-Net crop of a stage-1 proposal.
    case rnet
    /// An O-Net crop of a stage-2 candidate.
    case onet
  }

  /// `[K]`: each candidate's face probability (in `0...1`) minus its stage's threshold
  /// (`MTCNNOptions.thresholds.pnet`, `.rnet`, `.onet`), computed in float32 as the stages
  /// compare: a P-Net cell passes when its margin is `>= 0`, an R-Net or O-Net candidate when it
  /// is `> 0`.
  public let margins: Tensor
  /// The stage of each of the K candidates.
  public let stages: [Stage]
  /// Each candidate's box in image pixels, with the `mtcnn` package's inclusive edges (width
  /// `right - left + 1`): for a P-Net cell, the proposal it becomes (its window after its own
  /// regression, squaring and truncation); for R-Net and O-Net, the box whose crop the network
  /// reads.
  public let boxes: [BoxEdges]

  /// The scores of candidates with face probabilities `probabilities` (`[K]`), stages and boxes,
  /// against `thresholds`.
  init(
    probabilities: [Float], stages: [Stage], boxes: [BoxEdges], thresholds: StageThresholds
  ) {
    precondition(
      probabilities.count == stages.count && stages.count == boxes.count,
      "[MTCNNFaceScores] \(probabilities.count) probabilities, \(stages.count) stages, "
        + "\(boxes.count) boxes")
    let margins = zip(probabilities, stages).map { probability, stage in
      switch stage {
      case .pnet: probability - Float(thresholds.pnet)
      case .rnet: probability - Float(thresholds.rnet)
      case .onet: probability - Float(thresholds.onet)
      }
    }
    self.margins = Tensor(shape: [margins.count], scalars: margins)
    self.stages = stages
    self.boxes = boxes
  }
}
