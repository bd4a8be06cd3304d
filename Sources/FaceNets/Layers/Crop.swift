import FaceTensor

/// Cuts a fixed box out of every image of an NHWC batch: `y[n, r, c, :] = x[n, top + r, left + c, :]`.
///
/// Backward: `dy` placed back at the box, zero elsewhere.
public struct Crop: Layer {
  /// First input row of the box.
  public let top: Int
  /// First input column of the box.
  public let left: Int
  /// Rows in the box (`OH`).
  public let height: Int
  /// Columns in the box (`OW`).
  public let width: Int

  /// - Precondition: `top, left >= 0`, `height, width >= 1`.
  public init(top: Int, left: Int, height: Int, width: Int) {
    precondition(
      top >= 0 && left >= 0 && height >= 1 && width >= 1,
      "[Crop] box (top \(top), left \(left), \(height)x\(width)) must be non-negative and non-empty"
    )
    (self.top, self.left, self.height, self.width) = (top, left, height, width)
  }

  /// `[N, height, width, C]` for `[N, H, W, C]`.
  /// - Precondition: the box lies within the image.
  public func callAsFunction(_ input: Tensor) -> Tensor {
    check(input.shape)
    let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    return input.withUnsafeBufferPointer { x in
      Tensor(shape: [n, height, width, c]) { y in
        for b in 0..<n {
          for r in 0..<height {
            (y.baseAddress! + ((b * height + r) * width) * c).update(
              from: x.baseAddress! + ((b * h + top + r) * w + left) * c, count: width * c)
          }
        }
      }
    }
  }

  /// The forward pass and its pullback (see the type's doc for the backward formula).
  public func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (value: Tensor, pullback: Pullback<NoParameters>)
  {
    let inputShape = input.shape
    let (top, left, height, width) = (self.top, self.left, self.height, self.width)
    return (
      self(input),
      { dy in
        let (n, h, w, c) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        precondition(dy.shape == [n, height, width, c], "[Crop backward] gradient \(dy.shape)")
        var dx = Tensor(zeros: inputShape)
        dy.withUnsafeBufferPointer { g in
          dx.withUnsafeMutableBufferPointer { d in
            for b in 0..<n {
              for r in 0..<height {
                (d.baseAddress! + ((b * h + top + r) * w + left) * c).update(
                  from: g.baseAddress! + ((b * height + r) * width) * c, count: width * c)
              }
            }
          }
        }
        return (dx, nil)
      }
    )
  }

  private func check(_ shape: [Int]) {
    precondition(
      shape.count == 4 && top + height <= shape[1] && left + width <= shape[2],
      "[Crop] box rows \(top)..<\(top + height), columns \(left)..<\(left + width) "
        + "is not inside an NHWC input of shape \(shape)")
  }
}
