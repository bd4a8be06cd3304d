import FaceNets
import FaceTensor

/// Puts a rectangle of a photo back into the whole photo: `[N, h, w, C]` (the rectangle
/// `region`) to `[N, H, W, C]`, equal to `background` outside `region` and to the input inside.
///
/// Backward: the output gradient inside `region` (`Crop`'s forward); the background is a
/// constant.
struct PhotoPaste: Layer {
  /// The photo the rectangle goes into, `[1, H, W, C]`.
  let background: Tensor
  /// Where the rectangle goes, in the photo's pixels.
  let region: PixelBox

  /// - Precondition: `background` is `[1, H, W, C]` and `region` lies inside it.
  init(background: Tensor, region: PixelBox) {
    precondition(
      background.rank == 4 && background.shape[0] == 1 && region.x >= 0 && region.y >= 0
        && region.width >= 1 && region.height >= 1
        && region.x + region.width <= background.shape[2]
        && region.y + region.height <= background.shape[1],
      "[PhotoPaste] region \(region.array) outside a photo \(background.shape)")
    self.background = background
    self.region = region
  }

  /// `[N, H, W, C]` for `[N, region.height, region.width, C]`.
  func callAsFunction(_ input: Tensor) -> Tensor {
    let (h, w, c) = (background.shape[1], background.shape[2], background.shape[3])
    precondition(
      input.rank == 4 && Array(input.shape[1...]) == [region.height, region.width, c],
      "[PhotoPaste] input \(input.shape) for a region \(region.width)x\(region.height)x\(c)")
    let n = input.shape[0]
    let (rowValues, photoValues) = (region.width * c, h * w * c)
    return background.withUnsafeBufferPointer { photo in
      input.withUnsafeBufferPointer { x in
        Tensor(shape: [n, h, w, c]) { y in
          for b in 0..<n {
            (y.baseAddress! + b * photoValues).update(from: photo.baseAddress!, count: photoValues)
            for r in 0..<region.height {
              (y.baseAddress! + b * photoValues + ((region.y + r) * w + region.x) * c).update(
                from: x.baseAddress! + (b * region.height + r) * rowValues, count: rowValues)
            }
          }
        }
      }
    }
  }

  /// The forward pass and its pullback (see the type's doc).
  func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (value: Tensor, pullback: Pullback<NoParameters>)
  {
    let crop = Crop(top: region.y, left: region.x, height: region.height, width: region.width)
    return (self(input), { dy in (crop(dy), nil) })
  }
}
