import FaceTensor

/// MTCNN's scores of one face as a differentiable function of the photo's pixels: what an attack
/// that hides the face from the detector pushes below the thresholds.
extension MTCNN {
  /// The cascade's candidates that cover `face` in `image`, with their scores, and the pullback
  /// from ∂L/∂margins `[K]` to ∂L/∂image `[1, H, W, 3]` (per 0...255 pixel value).
  ///
  /// Which candidates are scored is decided anew from `image` at each call, and is not
  /// differentiated (it is piecewise constant in the pixels). The cascade runs as
  /// `detect(in:)` does, on the float image:
  /// - **P-Net**: each pyramid level (the sizes and scales of `detect(in:)`) is `image` resized
  ///   with INTER_AREA in float, normalised to `(v - 127.5) * 0.0078125` and transposed as the
  ///   network reads it. Every cell of every level (kept by stage 1's NMS or not) whose box
  ///   covers the face is a candidate; its box is the proposal it becomes: its 12x12 window
  ///   mapped to the image, after its own regression, squaring and truncation.
  /// - **R-Net**: the stage-1 proposals (as `detect(in:)` computes them, from the float levels)
  ///   that cover the face, on their zero-padded crops resized to 24x24 with INTER_AREA.
  /// - **O-Net**: the stage-2 candidates (truncated, as `detect(in:)` crops them) that cover the
  ///   face, on their 48x48 crops.
  ///
  /// A box covers the face when its IoU with `face` (both with inclusive edges) is at least
  /// `minimumOverlap`; candidates whose probability is below their stage's threshold minus
  /// `floor` are left out (their gradient is useless and they cost time).
  ///
  /// The pullback goes through the networks, the crops (their gradient is added into the image
  /// at their window; the zero padding has none) and the INTER_AREA resamplings (their
  /// transposes). It keeps P-Net's activations on the part of each level around the candidates
  /// and R-Net's and O-Net's on the candidates' crops until it is released.
  ///
  /// NOTE: the float cascade differs from `detect(in:)` only in that the pyramid levels are not
  /// rounded to 8 bits: on an image of 8-bit values the probabilities of the same candidates
  /// differ by that rounding (R-Net's and O-Net's crops are not rounded by the package either),
  /// and a candidate near a threshold or a truncation can change.
  ///
  /// - Parameters:
  ///   - image: `[1, H, W, 3]`, RGB on the 0...255 scale: the whole photo, not rounded to 8 bits
  ///     (an attack's iterate).
  ///   - face: the face's box in the photo with inclusive edges (as `FaceDetection`'s
  ///     `x1...y2`).
  ///   - minimumOverlap: the IoU with `face` from which a candidate covers it (default 0.3).
  ///   - floor: how far below its stage's threshold a candidate's probability may be
  ///     (default 0.3).
  /// - Returns: the scores (K may be 0: margins `[0]`, and the pullback gives zeros) computed with
  ///   the pullback (equal to `faceScores`' up to float rounding, ~1e-6), and the pullback.
  /// - Precondition: `image` is `[1, H, W, 3]`; `face` has inclusive edges; `floor >= 0`.
  public func faceScoresWithPullback(
    in image: Tensor, covering face: BoxEdges, minimumOverlap: Double = 0.3, floor: Double = 0.3
  ) -> (value: MTCNNFaceScores, pullback: (_ marginGradient: Tensor) -> Tensor) {
    let candidates = checkedFaceCandidates(
      in: image, covering: face, minimumOverlap: minimumOverlap, floor: floor)
    let (probabilities, pullback) = faceProbabilitiesWithPullback(of: candidates, in: image)
    return (
      candidates.scores(probabilities: probabilities, thresholds: options.thresholds),
      pullback
    )
  }

  /// The cascade's candidates that cover `face` in `image`, with their scores: the value of
  /// `faceScoresWithPullback(in:covering:minimumOverlap:floor:)` without the pullback (cheaper:
  /// the networks run in inference mode, P-Net once per level).
  ///
  /// - Parameters:
  ///   - image: `[1, H, W, 3]`, RGB on the 0...255 scale (not rounded to 8 bits).
  ///   - face: the face's box with inclusive edges.
  ///   - minimumOverlap: the IoU with `face` from which a candidate covers it (default 0.3).
  ///   - floor: how far below its stage's threshold a candidate's probability may be
  ///     (default 0.3).
  /// - Returns: the scores; K may be 0 (the face is hidden).
  /// - Precondition: `image` is `[1, H, W, 3]`; `face` has inclusive edges; `floor >= 0`.
  public func faceScores(
    in image: Tensor, covering face: BoxEdges, minimumOverlap: Double = 0.3, floor: Double = 0.3
  ) -> MTCNNFaceScores {
    let candidates = checkedFaceCandidates(
      in: image, covering: face, minimumOverlap: minimumOverlap, floor: floor)
    return candidates.scores(
      probabilities: candidates.probabilities, thresholds: options.thresholds)
  }

  /// `faceCandidates(in:covering:minimumOverlap:floor:)` after checking the arguments.
  private func checkedFaceCandidates(
    in image: Tensor, covering face: BoxEdges, minimumOverlap: Double, floor: Double
  ) -> MTCNNFaceCandidates {
    precondition(
      image.rank == 4 && image.shape[0] == 1 && image.shape[3] == 3,
      "[MTCNN.faceScores] image must be [1, H, W, 3], got \(image.shape)")
    precondition(
      face.counting == .inclusive, "[MTCNN.faceScores] the face box must have inclusive edges")
    precondition(floor >= 0, "[MTCNN.faceScores] floor must be >= 0, got \(floor)")
    return faceCandidates(
      in: image, covering: face, minimumOverlap: minimumOverlap, floor: floor)
  }
}
