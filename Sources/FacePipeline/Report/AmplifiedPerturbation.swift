import FaceTensor

/// A perturbation drawn as a picture: mid-gray where nothing changed, brighter where a channel
/// went up, darker where it went down, amplified so the largest change spans the full range.
///
/// Mapping, per pixel and channel, for a perturbation `δ` in pixel levels (the 0...255 scale):
/// `level = round(127.5 + δ · gain)` (ties to even), clamped to `0...255`, with
/// `gain = 127.5 / max|δ|`. So `δ = 0` maps to 128 (127.5 rounded to even), `+max|δ|` to 255 and
/// `-max|δ|` to 0. An all-zero perturbation has gain 1 and is uniformly 128.
public struct AmplifiedPerturbation: Sendable, Equatable {
  /// The amplified perturbation, 8-bit RGB, the perturbation's size.
  public let image: RGBImage
  /// The factor `δ` was multiplied by: `127.5 / maxAbsoluteLevels`, or 1 when that is 0.
  public let gain: Double
  /// `max|δ|` over all pixels and channels, in pixel levels.
  public let maxAbsoluteLevels: Double

  /// The amplified picture of `perturbation`, a tensor of shape `[1, H, W, 3]` (NHWC, RGB) in
  /// pixel levels on the 0...255 scale (adversarial minus original; not normalised).
  /// - Precondition: `perturbation.shape` is `[1, H, W, 3]` and every value is finite.
  public init(perturbation: Tensor) {
    let shape = perturbation.shape
    precondition(
      shape.count == 4 && shape[0] == 1 && shape[3] == 3,
      "[AmplifiedPerturbation] expected a perturbation of shape [1, H, W, 3], got \(shape)")
    self.init(levels: perturbation.scalars.map(Double.init), width: shape[2], height: shape[1])
  }

  /// The amplified picture of `adversarial - original`, both 8-bit RGB of the same size.
  /// - Precondition: the two images have the same width and height.
  public init(original: RGBImage, adversarial: RGBImage) {
    precondition(
      original.width == adversarial.width && original.height == adversarial.height,
      "[AmplifiedPerturbation] original is \(original.width)x\(original.height), "
        + "adversarial is \(adversarial.width)x\(adversarial.height)")
    let levels = zip(adversarial.pixels, original.pixels).map { Double($0) - Double($1) }
    self.init(levels: levels, width: original.width, height: original.height)
  }

  /// The mapping itself, over interleaved RGB levels, `width * height * 3` values.
  private init(levels: [Double], width: Int, height: Int) {
    precondition(
      levels.allSatisfy { $0.isFinite }, "[AmplifiedPerturbation] the perturbation is not finite")
    let maxAbsolute = levels.reduce(0) { max($0, abs($1)) }
    let gain = maxAbsolute > 0 ? 127.5 / maxAbsolute : 1
    let pixels = levels.map { delta -> UInt8 in
      UInt8(min(255, max(0, (127.5 + delta * gain).rounded(.toNearestOrEven))))
    }
    self.image = RGBImage(width: width, height: height, pixels: pixels)
    self.gain = gain
    self.maxAbsoluteLevels = maxAbsolute
  }

  /// `gain` for the panel label: a whole number from 10 up, else one decimal ("×2.5").
  public var formattedGain: String {
    gain >= 10
      ? ReportNumberFormat.fixed(gain, decimals: 0)
      : ReportNumberFormat.compact(
        (gain * 10).rounded() / 10)
  }
}
