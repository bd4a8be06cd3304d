import FaceNets
import FaceTensor

/// How a recognizer's input is cut out of a photo, and the differentiable version of that cut
/// on a rectangle of the photo (the only pixels an attack changes).
enum PhotoFaceInput: Sendable {
  /// VGGFace: the detector's box (clipped to the photo, as `RecognitionInput` clips it),
  /// resized to `side x side` with OpenCV's INTER_AREA.
  case box(PixelBox, side: Int)
  /// dlib: the aligned chip of `details` (`DlibFaceChipLayer`).
  case chip(DlibFaceChipDetails)
  /// No detection: the whole photo, resized to `side x side` with `method` if it is not that
  /// size.
  case wholeImage(side: Int, method: ResizeMethod)

  /// The photo pixels the input is computed from, in a `width x height` photo; nil when that
  /// part is empty (a box or chip wholly outside the photo).
  func readBox(width: Int, height: Int) -> PixelBox? {
    switch self {
    case .box(let box, _):
      return box.clipped(toWidth: width, height: height)
    case .chip(let details):
      let crop = DlibChipSampling(details: details, imageWidth: width, imageHeight: height)
        .cropBox
      guard !crop.isEmpty else { return nil }
      return PixelBox(
        x: crop.left, y: crop.top, width: crop.right - crop.left + 1,
        height: crop.bottom - crop.top + 1)
    case .wholeImage:
      return PixelBox(x: 0, y: 0, width: width, height: height)
    }
  }

  /// The cut as a layer on the part `region` of a `width x height` photo,
  /// `[N, region.height, region.width, 3]` to the model's input `[N, side, side, 3]` (RGB,
  /// 0...255), with its adjoint.
  /// - Precondition: `region` contains `readBox(width:height:)` (so the cut reads only pixels
  ///   inside it).
  func layer(on region: PixelBox, width: Int, height: Int) -> any Layer {
    switch self {
    case .box(_, let side):
      guard let read = readBox(width: width, height: height) else {
        preconditionFailure("[PhotoFaceInput] the box lies outside the photo")
      }
      return CropAndResize(
        box: PixelBox(
          x: read.x - region.x, y: read.y - region.y, width: read.width, height: read.height),
        side: side, method: .area)
    case .chip(let details):
      let (dx, dy) = (Double(region.x), Double(region.y))
      let shifted = DlibFaceChipDetails(
        left: details.left - dx, top: details.top - dy, right: details.right - dx,
        bottom: details.bottom - dy, angle: details.angle, size: details.size)
      return DlibFaceChipLayer(
        details: shifted, imageWidth: region.width, imageHeight: region.height)
    case .wholeImage(let side, let method):
      return CropAndResize(
        box: PixelBox(x: 0, y: 0, width: region.width, height: region.height), side: side,
        method: method)
    }
  }
}

/// Cuts `box` out of every image of a batch and resizes it to `side x side` (OpenCV's resize
/// with `method`, no rounding): `[N, H, W, C]` to `[N, side, side, C]`.
///
/// Backward: the resize's transpose (`Tensor.resizedWithPullback`), then the crop's (zero outside
/// `box`).
struct CropAndResize: Layer {
  /// The part cut out, in input pixels.
  let box: PixelBox
  /// The output side.
  let side: Int
  /// The resampling.
  let method: ResizeMethod

  func callAsFunction(_ input: Tensor) -> Tensor {
    valueWithPullback(at: input, scope: .input).value
  }

  func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (value: Tensor, pullback: Pullback<NoParameters>)
  {
    let wholeInput =
      box.x == 0 && box.y == 0 && input.shape[1] == box.height && input.shape[2] == box.width
    let cropped: Tensor
    let cropPullback: Pullback<NoParameters>
    if wholeInput {
      cropped = input
      cropPullback = { ($0, nil) }
    } else {
      let crop = Crop(top: box.y, left: box.x, height: box.height, width: box.width)
      (cropped, cropPullback) = crop.valueWithPullback(at: input, scope: .input)
    }
    guard box.width != side || box.height != side else { return (cropped, cropPullback) }
    let (resized, resizePullback) = cropped.resizedWithPullback(
      width: side, height: side, method: method)
    return (resized, { dy in cropPullback(resizePullback(dy)) })
  }
}
