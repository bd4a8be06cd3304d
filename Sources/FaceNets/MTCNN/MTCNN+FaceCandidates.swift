import FaceTensor

/// Which candidates of the cascade cover a face.
extension MTCNN {
  /// The cascade's candidates in `image` (`[1, H, W, 3]`, RGB on the 0...255 scale) whose box
  /// overlaps `face` (inclusive edges) by an IoU of at least `minimumOverlap` and whose face
  /// probability is at least its stage's threshold minus `floor`.
  ///
  /// The cascade runs as in `detect(in:)` on the float image: pyramid levels from
  /// `MTCNNPyramid.resizedLevel` (not rounded to 8 bits), crops from
  /// `MTCNNCrops.batchWithPullback`. Every P-Net cell of every level is looked at (not only those
  /// kept by stage 1's NMS), with its box after its own regression (see `MTCNNFaceScores.boxes`);
  /// R-Net scores every stage-1 proposal (their NMS decides stage 2's output) and O-Net only the
  /// stage-2 candidates that cover the face. As in `detect(in:)`, when a box of stage 1 or 2 has
  /// no pixels, the next stages have no candidates.
  func faceCandidates(
    in image: Tensor, covering face: BoxEdges, minimumOverlap: Double, floor: Double
  ) -> MTCNNFaceCandidates {
    let (height, width) = (image.shape[1], image.shape[2])
    let limit = MTCNN.coordinateLimit(width: width, height: height)
    let covers = { (box: CandidateBox) -> Bool in
      box.isUsable(within: limit)
        && box.edges.intersectionOverUnion(with: face) >= minimumOverlap
    }
    let thresholds = options.thresholds
    var candidates = MTCNNFaceCandidates()

    var windows: [CandidateBox] = []
    let scales = MTCNNPyramid.scales(
      width: width, height: height, minFaceSize: options.minFaceSize,
      scaleFactor: options.scaleFactor)
    for scale in scales {
      let level = MTCNNPyramid.resizedLevel(of: image, scale: scale).value
      let outputs = pnet(MTCNNInput.transposed(floats: level))
      windows += MTCNN.suppressedWithinLevel(pnetWindows(fromOutputs: outputs, scale: scale))
      var cells: [MTCNNPNetCells.Cell] = []
      for (cell, box) in MTCNN.pnetCells(
        in: outputs, scale: scale, scoringAtLeast: thresholds.pnet - floor)
      where covers(box) {
        cells.append(cell)
        candidates.append(box, probability: Float(box.score), stage: .pnet)
      }
      if !cells.isEmpty { candidates.pnetCells.append(MTCNNPNetCells(scale: scale, cells: cells)) }
    }

    let proposals = MTCNN.proposals(merging: windows, limit: limit)
    let crops = { (size: Int) in
      { (windows: ArraySlice<MTCNNCrops.Window>) in
        MTCNNCrops.batchWithPullback(windows, of: image, size: size).value
      }
    }
    guard let rnetOutputs = runOnCrops(rnet, boxes: proposals, batch: crops(24)) else {
      return candidates
    }
    for (k, box) in proposals.enumerated() {
      let probability = rnetOutputs[1][k * 2 + 1]
      if Double(probability) >= thresholds.rnet - floor && covers(box) {
        candidates.rnetBoxes.append(box)
        candidates.append(box, probability: probability, stage: .rnet)
      }
    }

    let refined = refine(proposals, rnetOutputs: rnetOutputs, limit: limit).map { $0.truncated() }
    guard
      refined.allSatisfy({ MTCNNCrops.Window($0).width >= 1 && MTCNNCrops.Window($0).height >= 1 })
    else { return candidates }
    let covering = refined.filter(covers)
    guard let onetOutputs = runOnCrops(onet, boxes: covering, batch: crops(48)) else {
      return candidates
    }
    for (k, box) in covering.enumerated() {
      let probability = onetOutputs[2][k * 2 + 1]
      if Double(probability) >= thresholds.onet - floor {
        candidates.onetBoxes.append(box)
        candidates.append(box, probability: probability, stage: .onet)
      }
    }
    return candidates
  }

  /// The cells of P-Net's `outputs` on the level at `scale` whose face probability is at least
  /// `threshold`, by level x then y, each with its proposal box: its window
  /// (`pnetWindow(column:row:scale:score:regression:at:)`) after its own regression, squaring and
  /// truncation (stage 1's steps after NMS), whose score is the probability.
  static func pnetCells(in outputs: [Tensor], scale: Double, scoringAtLeast threshold: Double)
    -> [(cell: MTCNNPNetCells.Cell, box: CandidateBox)]
  {
    let (regression, probabilities) = (outputs[0], outputs[1])
    let (width, height) = (probabilities.shape[1], probabilities.shape[2])
    return probabilities.withUnsafeBufferPointer { p in
      regression.withUnsafeBufferPointer { r in
        (0..<(width * height)).filter { Double(p[$0 * 2 + 1]) >= threshold }.map { cell in
          let (a, b) = (cell / height, cell % height)
          let window = pnetWindow(
            column: a, row: b, scale: scale, score: p[cell * 2 + 1], regression: r, at: cell * 4)
          return (
            MTCNNPNetCells.Cell(x: a, y: b),
            window.regressedWithoutBorder().squared().truncated()
          )
        }
      }
    }
  }
}
