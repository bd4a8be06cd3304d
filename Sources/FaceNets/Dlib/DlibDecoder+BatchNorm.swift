import FaceTensor

/// dlib's batch normalisation over channels (`bn_con2`), read as the affine layer it becomes at
/// inference.
extension DlibDecoder {
  /// Reads a `bn_con2` body over `channels` channels (after its version string) and folds its
  /// running statistics into an affine layer, as dlib does when it loads a batch-norm layer into
  /// an `affine_` one.
  ///
  /// Layout: the parameter tensor `[2C, 1, 1, 1]` (gammas, then betas), the gamma and beta
  /// views `[1, C, 1, 1]`, the last training batch's means and inverse standard deviations, the
  /// running means and running variances (tensors `[1, C, 1, 1]` each), `num_updates` (>= 0),
  /// `running_stats_window_size` (> 0), four training multipliers and `eps` (a double > 0).
  ///
  /// Folding, in float arithmetic as dlib does it (`eps` rounded to float first):
  /// `gamma'[c] = gamma[c] / sqrt(runningVariance[c] + eps)` and
  /// `beta'[c] = beta[c] - gamma'[c] * runningMean[c]`.
  /// - Returns: `gamma'` and `beta'`, each `[C]`, for `out[c] = gamma'[c] * in[c] + beta'[c]`.
  /// - Throws: `DlibFormatError` at the first field that differs; `unexpectedValue` at a running
  ///   variance whose sum with `eps` is not positive; `nonFinite` at the gamma of a channel whose
  ///   folded gamma or beta overflows.
  mutating func readBatchNormAsAffine(channels: Int) throws(DlibFormatError) -> (
    gamma: Tensor, beta: Tensor
  ) {
    let statisticShape = [1, channels, 1, 1]
    let params = try readTensor("bn parameters", expectedShape: [2 * channels, 1, 1, 1])
    let paramsEnd = offset
    try expectAliasTensor("bn gamma", shape: statisticShape)
    try expectAliasTensor("bn beta", shape: statisticShape)
    _ = try readTensor("bn batch means", expectedShape: statisticShape)
    _ = try readTensor("bn batch invstds", expectedShape: statisticShape)
    let runningMeans = try readTensor("bn running means", expectedShape: statisticShape)
    let runningVariances = try readTensor("bn running variances", expectedShape: statisticShape)
    let variancesEnd = offset
    _ = try readInteger("bn num_updates", in: 0...Int64.max)
    _ = try readInteger("bn running_stats_window_size", in: 1...Int64.max)
    try skipTrainingMultipliers(of: "bn")
    let epsStart = offset
    let eps = try readFiniteDouble("bn eps")
    guard eps > 0 else {
      throw DlibFormatError.unexpectedValue(
        file: fileName, offset: epsStart, field: "bn eps", expected: "> 0", found: "\(eps)")
    }

    let epsilon = Float(eps)
    var gamma = [Float](repeating: 0, count: channels)
    var beta = [Float](repeating: 0, count: channels)
    for c in 0..<channels {
      let shifted = runningVariances[c] + epsilon
      guard shifted > 0 else {
        throw DlibFormatError.unexpectedValue(
          file: fileName, offset: variancesEnd - 4 * (channels - c),
          field: "bn running variance \(c) + eps", expected: "> 0", found: "\(shifted)")
      }
      gamma[c] = params[c] / shifted.squareRoot()
      beta[c] = params[channels + c] - gamma[c] * runningMeans[c]
      guard gamma[c].isFinite, beta[c].isFinite else {
        throw DlibFormatError.nonFinite(
          file: fileName, offset: paramsEnd - 4 * (2 * channels - c),
          field: "bn gamma \(c) folded with the running statistics")
      }
    }
    return (Tensor(shape: [channels], scalars: gamma), Tensor(shape: [channels], scalars: beta))
  }
}
