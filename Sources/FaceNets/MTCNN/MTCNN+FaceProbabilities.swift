import FaceTensor

/// The scores of fixed candidates as a differentiable function of the pixels.
extension MTCNN {
  /// The face probabilities of `candidates` in `image` (`[1, H, W, 3]`, RGB on the 0...255
  /// scale), in the order of `candidates.stages`, and the pullback from their gradient (`[K]`)
  /// to the image's `[1, H, W, 3]`.
  ///
  /// P-Net runs only on each level's region around its cells (`MTCNNPNetCells`), R-Net and
  /// O-Net on their candidates' crops, `MTCNN.batchSize` at a time. Everything the pullback needs
  /// is kept until it is released: per level, P-Net's activations on the region; per batch, the
  /// networks'.
  func faceProbabilitiesWithPullback(of candidates: MTCNNFaceCandidates, in image: Tensor)
    -> (value: [Float], pullback: (_ probabilityGradient: Tensor) -> Tensor)
  {
    var probabilities: [Float] = []
    var pullbacks: [(range: Range<Int>, pullback: (ArraySlice<Float>) -> Tensor)] = []
    let record = { (value: [Float], pullback: @escaping (ArraySlice<Float>) -> Tensor) in
      pullbacks.append((probabilities.count..<(probabilities.count + value.count), pullback))
      probabilities += value
    }
    for cells in candidates.pnetCells {
      let (value, pullback) = cells.probabilitiesWithPullback(in: image, pnet: pnet)
      record(value, pullback)
    }
    for (network, boxes, size) in [
      (rnet, candidates.rnetBoxes, 24), (onet, candidates.onetBoxes, 48),
    ] {
      let windows = boxes.map(MTCNNCrops.Window.init)
      for start in stride(from: 0, to: windows.count, by: MTCNN.batchSize) {
        let (value, pullback) = MTCNN.cropProbabilitiesWithPullback(
          network, windows: windows[start..<min(start + MTCNN.batchSize, windows.count)],
          size: size, in: image)
        record(value, pullback)
      }
    }
    let imageShape = image.shape
    let count = probabilities.count
    return (
      probabilities,
      { probabilityGradient in
        precondition(
          probabilityGradient.shape == [count],
          "[MTCNN.faceScores] expected a gradient of shape [\(count)], got "
            + "\(probabilityGradient.shape)")
        var imageGradient = Tensor(zeros: imageShape)
        let gradient = probabilityGradient.scalars
        for (range, pullback) in pullbacks { imageGradient += pullback(gradient[range]) }
        return imageGradient
      }
    )
  }

  /// `network`'s face probability (its last output, softmax index 1) for each of the
  /// `size x size` crops of `windows`, and the pullback from their gradient to the image's.
  static func cropProbabilitiesWithPullback(
    _ network: Network, windows: ArraySlice<MTCNNCrops.Window>, size: Int, in image: Tensor
  ) -> (value: [Float], pullback: (_ probabilityGradient: ArraySlice<Float>) -> Tensor) {
    let (input, cropPullback) = MTCNNCrops.batchWithPullback(windows, of: image, size: size)
    let (outputs, networkPullback) = network.valueWithPullback(at: input, scope: .input)
    let probabilities = outputs[outputs.count - 1]
    let (shape, outputCount) = (probabilities.shape, outputs.count)
    let count = windows.count
    let values = probabilities.withUnsafeBufferPointer { p in (0..<count).map { p[$0 * 2 + 1] } }
    return (
      values,
      { probabilityGradient in
        var seed = Tensor(zeros: shape)
        seed.withUnsafeMutableBufferPointer { seed in
          for (n, gradient) in probabilityGradient.enumerated() { seed[n * 2 + 1] = gradient }
        }
        var seeds = [Tensor?](repeating: nil, count: outputCount)
        seeds[outputCount - 1] = seed
        return cropPullback(networkPullback(seeds).input)
      }
    )
  }
}
