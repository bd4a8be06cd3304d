import FaceNets
import FaceTensor
import Foundation

/// The random small changes of the resampling that expectation over transformation (EOT)
/// averages over: the photo region is warped about the face's centre by a similarity with a
/// shift of up to ±`maxShift` pixels on each axis, a scale of 1 ± `maxScaleChange` and a
/// rotation of up to ±`maxRotationDegrees`, each drawn uniformly, before the face is cut out.
///
/// A warp of the photo about the face is the same as the inverse change of the box or alignment
/// that cuts the face, so a perturbation that works under these draws survives a detector, crop
/// or alignment that lands a few pixels or degrees away from the one used for the attack.
struct PhotoJitter: Sendable {
  /// Largest shift per axis, pixels.
  var maxShift = 3.0
  /// Largest relative change of scale.
  var maxScaleChange = 0.05
  /// Largest rotation, degrees.
  var maxRotationDegrees = 3.0

  /// How far (pixels) a warp can move a point at most `radius` pixels from the centre, plus the
  /// bilinear sampler's neighbour and one pixel of rounding: the margin a region must have
  /// around the pixels the cut reads.
  func margin(radius: Double) -> Int {
    let rotation = 2 * sin(maxRotationDegrees * .pi / 360)
    let moved =
      (maxScaleChange + (1 + maxScaleChange) * rotation) * radius
      + maxShift * 2.0.squareRoot()
    return Int(moved.rounded(.up)) + 2
  }

  /// The warp for `seed`: output pixel `p` of the region samples the region at
  /// `centre + s R(θ) (p - centre) + t` (bilinear), an image of the region's size.
  func sampler(seed: UInt64, centre: SIMD2<Double>, width: Int, height: Int) -> AffineSampler {
    var draws = SplitMix64(seed: seed)
    /// Uniform in `-limit...limit`.
    func symmetric(_ limit: Double) -> Double { -limit + draws.unit() * 2 * limit }
    let shiftX = symmetric(maxShift)
    let shiftY = symmetric(maxShift)
    let scale = 1 + symmetric(maxScaleChange)
    let angle = symmetric(maxRotationDegrees) * .pi / 180
    let rotated = AffineTransform2D.similarity(scale: scale, angle: angle, offsetX: 0, offsetY: 0)
    let centreImage = rotated.apply(column: centre.x, row: centre.y)
    let transform = AffineTransform2D(
      m00: rotated.m00, m01: rotated.m01, m10: rotated.m10, m11: rotated.m11,
      offsetX: centre.x + shiftX - centreImage.x, offsetY: centre.y + shiftY - centreImage.y)
    return AffineSampler(transform: transform, outputHeight: height, outputWidth: width)
  }
}
