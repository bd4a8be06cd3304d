import FaceTensor

/// The candidates of the cascade that cover one face in one image, chosen by
/// `MTCNN.faceCandidates(in:covering:minimumOverlap:floor:)`: which P-Net cells, R-Net proposals
/// and O-Net boxes are scored, with their probabilities in the image they were chosen from.
///
/// Holding the choice fixed makes the scores a differentiable function of the pixels
/// (`MTCNN.faceProbabilitiesWithPullback(of:in:)`); the choice itself is piecewise constant.
struct MTCNNFaceCandidates {
  /// The P-Net cells, one entry per pyramid level that has some, largest scale first.
  var pnetCells: [MTCNNPNetCells] = []
  /// The stage-1 proposals whose crops R-Net scores.
  var rnetBoxes: [CandidateBox] = []
  /// The stage-2 candidates (truncated) whose crops O-Net scores.
  var onetBoxes: [CandidateBox] = []
  /// Every candidate's face probability in the image they were chosen from, in the order of
  /// `stages`.
  var probabilities: [Float] = []
  /// Every candidate's stage: P-Net cells (level by level), R-Net boxes, O-Net boxes.
  var stages: [MTCNNFaceScores.Stage] = []
  /// Every candidate's box (see `MTCNNFaceScores.boxes`), in the order of `stages`.
  var boxes: [BoxEdges] = []

  /// Appends a candidate of the stage given.
  mutating func append(_ box: CandidateBox, probability: Float, stage: MTCNNFaceScores.Stage) {
    probabilities.append(probability)
    stages.append(stage)
    boxes.append(box.edges)
  }

  /// The scores of the candidates given their probabilities, against `thresholds`.
  func scores(probabilities: [Float], thresholds: StageThresholds) -> MTCNNFaceScores {
    MTCNNFaceScores(
      probabilities: probabilities, stages: stages, boxes: boxes, thresholds: thresholds)
  }
}
