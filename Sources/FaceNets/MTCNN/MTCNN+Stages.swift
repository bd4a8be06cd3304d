import FaceTensor

/// The three stages of `MTCNN.detect(in:)`, each as `mtcnn/mtcnn.py` 0.1.1 computes it
/// (`__stage1`, `__stage2`, `__stage3`).
extension MTCNN {
  /// The farthest a usable candidate's corner may lie from the origin for `image`.
  ///
  /// Four image sides plus 1024 pixels: boxes of real faces stay near the image; a corner beyond
  /// this (or NaN) comes from damaged weights, and the candidate is dropped
  /// (`CandidateBox.isUsable`).
  static func coordinateLimit(for image: RGBImage) -> Double {
    coordinateLimit(width: image.width, height: image.height)
  }

  /// `coordinateLimit(for:)` for an image of `width x height` pixels.
  static func coordinateLimit(width: Int, height: Int) -> Double {
    Double(4 * max(width, height) + 1024)
  }

  /// Stage 1: P-Net over the pyramid; the candidates after NMS, regression, squaring and
  /// truncation, highest score first.
  func proposals(in image: RGBImage) -> [CandidateBox] {
    let scales = MTCNNPyramid.scales(
      width: image.width, height: image.height, minFaceSize: options.minFaceSize,
      scaleFactor: options.scaleFactor)
    var candidates: [CandidateBox] = []
    for scale in scales {
      candidates += MTCNN.suppressedWithinLevel(
        pnetWindows(in: MTCNNPyramid.level(of: image, scale: scale), scale: scale))
    }
    return MTCNN.proposals(merging: candidates, limit: MTCNN.coordinateLimit(for: image))
  }

  /// Stage 1's NMS within one level (IoU 0.5): the windows kept, highest score first.
  static func suppressedWithinLevel(_ windows: [CandidateBox]) -> [CandidateBox] {
    nonMaximumSuppression(windows, threshold: 0.5, measure: .union).map { windows[$0] }
  }

  /// The end of stage 1 on the windows every level kept: NMS over all levels (IoU 0.7),
  /// regression, squaring, truncation; the usable boxes (`limit`, `CandidateBox.isUsable`).
  static func proposals(merging candidates: [CandidateBox], limit: Double) -> [CandidateBox] {
    let kept = nonMaximumSuppression(candidates, threshold: 0.7, measure: .union)
    return kept.map { candidates[$0].regressedWithoutBorder().squared().truncated() }
      .filter { $0.isUsable(within: limit) }
  }

  /// The P-Net cells of one pyramid level (`[1, W, H, 3]`, transposed) that score at least
  /// `thresholds.pnet`, as image boxes with their regression (`__generate_bounding_box`), in the
  /// package's order (by level x, then y).
  ///
  /// NOTE: when exactly one cell passes, the package reads its regression from the mirrored
  /// cell `(W' - 1 - a, b)` (an `np.flipud` meant for MATLAB's orientation); so does this.
  func pnetWindows(in level: Tensor, scale: Double) -> [CandidateBox] {
    pnetWindows(fromOutputs: pnet(level), scale: scale)
  }

  /// `pnetWindows(in:scale:)` from P-Net's outputs on the level (`[regression, probabilities]`).
  func pnetWindows(fromOutputs outputs: [Tensor], scale: Double) -> [CandidateBox] {
    let (regression, probabilities) = (outputs[0], outputs[1])
    let (width, height) = (probabilities.shape[1], probabilities.shape[2])
    let threshold = Float(options.thresholds.pnet)
    return probabilities.withUnsafeBufferPointer { p in
      regression.withUnsafeBufferPointer { r in
        let cells = (0..<(width * height)).filter { p[$0 * 2 + 1] >= threshold }
        return cells.map { cell in
          let (a, b) = (cell / height, cell % height)
          let source = (cells.count == 1 ? (width - 1 - a) * height + b : cell) * 4
          return MTCNN.pnetWindow(
            column: a, row: b, scale: scale, score: p[cell * 2 + 1], regression: r, at: source)
        }
      }
    }
  }

  /// The image box of P-Net's output cell `(a, b)` (level x, level y) on the level at `scale`:
  /// its 12x12 window mapped to the image, `fix((2a + 1) / scale)...fix((2a + 12) / scale)`
  /// (likewise for y), with `score` and the regression `r[source..<source + 4]`.
  static func pnetWindow(
    column a: Int, row b: Int, scale: Double, score: Float,
    regression r: UnsafeBufferPointer<Float>, at source: Int
  ) -> CandidateBox {
    CandidateBox(
      x1: (Double(2 * a + 1) / scale).rounded(.towardZero),
      y1: (Double(2 * b + 1) / scale).rounded(.towardZero),
      x2: (Double(2 * a + 12) / scale).rounded(.towardZero),
      y2: (Double(2 * b + 12) / scale).rounded(.towardZero),
      score: Double(score),
      regression: (
        Double(r[source]), Double(r[source + 1]), Double(r[source + 2]), Double(r[source + 3])
      ))
  }

  /// Stage 2: R-Net on the proposals; the candidates scoring above `thresholds.rnet` after NMS,
  /// regression and squaring (not truncated), highest score first.
  func refine(_ proposals: [CandidateBox], in image: RGBImage) -> [CandidateBox] {
    guard let outputs = runOnCrops(rnet, boxes: proposals, size: 24, in: image) else { return [] }
    return refine(proposals, rnetOutputs: outputs, limit: MTCNN.coordinateLimit(for: image))
  }

  /// `refine(_:in:)` from R-Net's outputs on the proposals' crops (as `runOnCrops` gives them).
  func refine(_ proposals: [CandidateBox], rnetOutputs outputs: [[Float]], limit: Double)
    -> [CandidateBox]
  {
    let (regression, probabilities) = (outputs[0], outputs[1])
    let threshold = Float(options.thresholds.rnet)
    var passed: [CandidateBox] = []
    for (k, box) in proposals.enumerated() where probabilities[k * 2 + 1] > threshold {
      passed.append(
        CandidateBox(
          x1: box.x1, y1: box.y1, x2: box.x2, y2: box.y2, score: Double(probabilities[k * 2 + 1]),
          regression: (
            Double(regression[k * 4]), Double(regression[k * 4 + 1]),
            Double(regression[k * 4 + 2]), Double(regression[k * 4 + 3])
          )))
    }
    let kept = nonMaximumSuppression(passed, threshold: 0.7, measure: .union)
    return kept.map { passed[$0].regressed().squared() }.filter { $0.isUsable(within: limit) }
  }

  /// Stage 3: O-Net on the truncated boxes; the faces scoring above `thresholds.onet` with their
  /// landmarks, after regression and NMS by the smaller area, highest score first.
  func finish(_ refined: [CandidateBox], in image: RGBImage) -> [FaceDetection] {
    let boxes = refined.map { $0.truncated() }
    guard let outputs = runOnCrops(onet, boxes: boxes, size: 48, in: image) else { return [] }
    let (regression, points, probabilities) = (outputs[0], outputs[1], outputs[2])
    let threshold = Float(options.thresholds.onet)
    var passed: [CandidateBox] = []
    var landmarks: [FaceLandmarks] = []
    for (k, box) in boxes.enumerated() where probabilities[k * 2 + 1] > threshold {
      passed.append(
        CandidateBox(
          x1: box.x1, y1: box.y1, x2: box.x2, y2: box.y2, score: Double(probabilities[k * 2 + 1]),
          regression: (
            Double(regression[k * 4]), Double(regression[k * 4 + 1]),
            Double(regression[k * 4 + 2]), Double(regression[k * 4 + 3])
          )))
      // The package computes `w * p + x1 - 1` in float64 and stores it in a float32 array.
      let (width, height) = (box.x2 - box.x1 + 1, box.y2 - box.y1 + 1)
      let point = { (i: Int) -> FacePoint in
        FacePoint(
          x: Double(Float(width * Double(points[k * 10 + i]) + box.x1 - 1)),
          y: Double(Float(height * Double(points[k * 10 + 5 + i]) + box.y1 - 1)))
      }
      landmarks.append(
        FaceLandmarks(
          leftEye: point(0), rightEye: point(1), nose: point(2), mouthLeft: point(3),
          mouthRight: point(4)))
    }
    // Candidates with a non-finite (or runaway) corner or landmark are dropped before NMS.
    let limit = MTCNN.coordinateLimit(for: image)
    let usable = passed.indices.filter { k in
      passed[k].regressed().isUsable(within: limit)
        && landmarks[k].points.allSatisfy { $0.x.isFinite && $0.y.isFinite }
    }
    let regressed = usable.map { passed[$0].regressed() }
    let kept = nonMaximumSuppression(regressed, threshold: 0.7, measure: .minimum)
    return kept.map { i in
      let box = regressed[i]
      return FaceDetection(
        x1: box.x1, y1: box.y1, x2: box.x2, y2: box.y2, confidence: Float(box.score),
        landmarks: landmarks[usable[i]])
    }
  }

  /// `network`'s outputs for the `size x size` crops of `boxes` (`MTCNNCrops`), run in batches
  /// of `MTCNN.batchSize` and concatenated along the batch axis; each output flattened to
  /// `[N * features]`.
  ///
  /// Returns nil when a box has no pixels (width or height below 1): the package returns no
  /// faces then (for a zero side; it raises for a negative one).
  func runOnCrops(_ network: Network, boxes: [CandidateBox], size: Int, in image: RGBImage)
    -> [[Float]]?
  {
    runOnCrops(network, boxes: boxes) { MTCNNCrops.batch($0, of: image, size: size) }
  }

  /// `runOnCrops(_:boxes:size:in:)` with the network inputs made by `batch` from up to
  /// `MTCNN.batchSize` windows at a time.
  func runOnCrops(
    _ network: Network, boxes: [CandidateBox],
    batch: (ArraySlice<MTCNNCrops.Window>) -> Tensor
  ) -> [[Float]]? {
    let crops = boxes.map(MTCNNCrops.Window.init)
    guard crops.allSatisfy({ $0.width >= 1 && $0.height >= 1 }) else { return nil }
    var outputs = [[Float]](repeating: [], count: network.outputCount)
    for start in stride(from: 0, to: crops.count, by: MTCNN.batchSize) {
      let results = network(batch(crops[start..<min(start + MTCNN.batchSize, crops.count)]))
      for (o, result) in results.enumerated() { outputs[o] += result.scalars }
    }
    return outputs
  }
}
