import FaceTensor

/// dlib's face chip as a differentiable layer: a photo batch to its `size x size` aligned chips,
/// with the adjoint back to the photo's pixels, so an attack on a descriptor reaches the photo.
///
/// Forward, following `DlibChipSampling` (dlib's `extract_image_chips` with bilinear
/// interpolation, section 5.3 of `../shared/docs/dlib-resnet-format.md`): crop every image to
/// `cropBox`, apply `DlibPyramidDown` `pyramidLevels` times, then sample chip pixel
/// `(c, r)` at `chipToSource(c, r)` with `AffineSampler` (bilinear; black where the 2x2
/// neighbourhood is not inside the image). Input `[N, H, W, C]` (RGB on the 0...255 scale for
/// the ResNet), output `[N, size, size, C]` in the same units. The same chip geometry is used
/// for every image of the batch (all the same photo, e.g. an attack's candidates).
/// Backward: the adjoints of those steps in reverse order; pixels outside `cropBox` receive
/// zero gradient.
///
/// NOTE: on an 8-bit photo the result differs from dlib's 8-bit chip
/// (`DlibFaceChipDetails.extractChip(from:)`) by dlib's rounding only: each pyramid level's
/// floor (see `DlibPyramidDown`) and the final truncation of every chip value toward zero (less
/// than one level). Without pyramid levels the 8-bit chip is this layer's output truncated.
/// NOTE: dlib copies pixels instead of resampling when the angle is exactly 0 and the rectangle
/// measures exactly `size x size` pixels; this layer always resamples (real landmarks never
/// give that case, and the copy is not differentiable with respect to the geometry anyway).
public struct DlibFaceChipLayer: Layer {
  /// The crop box, pyramid depth and chip-to-source map.
  public let sampling: DlibChipSampling
  /// The photo width the sampling was computed for.
  public let imageWidth: Int
  /// The photo height the sampling was computed for.
  public let imageHeight: Int

  /// The chip of `details` in photos of `imageWidth x imageHeight` pixels.
  public init(details: DlibFaceChipDetails, imageWidth: Int, imageHeight: Int) {
    self.init(
      sampling: DlibChipSampling(
        details: details, imageWidth: imageWidth, imageHeight: imageHeight),
      imageWidth: imageWidth, imageHeight: imageHeight)
  }

  /// The chip for a sampling computed for photos of `imageWidth x imageHeight` pixels.
  /// - Precondition: `imageWidth, imageHeight >= 1`.
  public init(sampling: DlibChipSampling, imageWidth: Int, imageHeight: Int) {
    precondition(
      imageWidth >= 1 && imageHeight >= 1,
      "[DlibFaceChipLayer] photo size \(imageWidth)x\(imageHeight)")
    self.sampling = sampling
    self.imageWidth = imageWidth
    self.imageHeight = imageHeight
  }

  /// The part of the photo the chip reads (inclusive photo pixels; empty when the chip lies
  /// outside the photo): a perturbation outside it cannot change the chip.
  public var cropBox: DlibRectangle { sampling.cropBox }

  /// `[N, size, size, C]` for `[N, imageHeight, imageWidth, C]`.
  public func callAsFunction(_ input: Tensor) -> Tensor {
    valueWithPullback(at: input, scope: .input).value
  }

  /// The chips and their pullback to the photo: the adjoints of the sampler, the pyramid
  /// levels and the crop, in that order (the crop's places zero outside `cropBox`).
  public func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (value: Tensor, pullback: Pullback<NoParameters>)
  {
    precondition(
      input.rank == 4 && input.shape[1] == imageHeight && input.shape[2] == imageWidth,
      "[DlibFaceChipLayer] input \(input.shape), expected [N, \(imageHeight), \(imageWidth), C]")
    let inputShape = input.shape
    let size = sampling.size
    let outputShape = [inputShape[0], size, size, inputShape[3]]
    let box = sampling.cropBox
    guard !box.isEmpty else {
      return (Tensor(zeros: outputShape), { _ in (Tensor(zeros: inputShape), nil) })
    }
    let crop = Crop(
      top: box.top, left: box.left, height: box.bottom - box.top + 1,
      width: box.right - box.left + 1)
    let (cropped, cropPullback) = crop.valueWithPullback(at: input, scope: .input)
    var value = cropped
    var pullbacks = [cropPullback]
    for _ in 0..<sampling.pyramidLevels {
      let (level, levelPullback) = DlibPyramidDown().valueWithPullback(at: value, scope: .input)
      value = level
      pullbacks.append(levelPullback)
    }
    // A crop of 8 or fewer pixels across has no pyramid level: the chip is black.
    guard value.count > 0 else {
      return (Tensor(zeros: outputShape), { _ in (Tensor(zeros: inputShape), nil) })
    }
    let map = sampling.chipToSource
    let sampler = AffineSampler(
      transform: AffineTransform2D(
        m00: map.m00, m01: map.m01, m10: map.m10, m11: map.m11, offsetX: map.b0, offsetY: map.b1),
      outputHeight: size, outputWidth: size)
    let (chip, samplerPullback) = sampler.valueWithPullback(at: value, scope: .input)
    pullbacks.append(samplerPullback)
    return (
      chip,
      { dy in
        var gradient = dy
        for pullback in pullbacks.reversed() {
          gradient = pullback(gradient).input
        }
        return (gradient, nil)
      }
    )
  }
}
