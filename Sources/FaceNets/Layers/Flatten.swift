import FaceTensor

/// Flattens `[N, H, W, C]` (or any `[N, ...]`) to `[N, H·W·C]` in a chosen memory order.
///
/// Keras flattens its NHWC maps as stored (`.channelsLast`: index `(h·W + w)·C + c`); Caffe
/// flattens its NCHW maps (`.channelsFirst`: index `(c·H + h)·W + w`), and the first dense layer
/// of a Caffe-trained model (MTCNN's R-Net and O-Net) expects that order.
/// Backward: the inverse permutation of `dy`.
public struct Flatten: Layer {
  /// The order in which the features of one image are laid out.
  public enum Order: Sendable, Equatable {
    /// `(h, w, c)`, channels fastest (Keras).
    case channelsLast
    /// `(c, h, w)`, columns fastest (Caffe, dlib).
    case channelsFirst
  }

  /// The memory order of the flattened features.
  public let order: Order

  /// A flatten in the given order (Keras: `.channelsLast`; Caffe: `.channelsFirst`).
  public init(order: Order = .channelsLast) { self.order = order }

  /// `[N, H·W·C]` for `[N, H, W, C]`; `.channelsFirst` needs rank 4, `.channelsLast` any rank ≥ 1.
  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition(input.rank >= 1, "[Flatten] input must have a batch axis, got \(input.shape)")
    let n = input.shape[0]
    let features = n == 0 ? 0 : input.count / n
    switch order {
    case .channelsLast:
      return input.reshaped(to: [n, features])
    case .channelsFirst:
      precondition(
        input.rank == 4, "[Flatten] channels-first order needs NHWC input, got \(input.shape)")
      return Flatten.permute(input, hwc: Array(input.shape[1...3]), toChannelsFirst: true)
        .reshaped(to: [n, features])
    }
  }

  /// The forward pass and its pullback (see the type's doc for the backward formula).
  public func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (value: Tensor, pullback: Pullback<NoParameters>)
  {
    let inputShape = input.shape
    let order = self.order
    return (
      self(input),
      { dy in
        precondition(
          dy.count == input.count, "[Flatten backward] gradient \(dy.shape), input \(inputShape)")
        switch order {
        case .channelsLast:
          return (dy.reshaped(to: inputShape), nil)
        case .channelsFirst:
          let hwc = Array(inputShape[1...3])
          return (
            Flatten.permute(dy, hwc: hwc, toChannelsFirst: false).reshaped(to: inputShape), nil
          )
        }
      }
    )
  }

  /// Moves `[N, H, W, C]` data to `[N, C, H, W]` order (or back), keeping the element count.
  private static func permute(_ t: Tensor, hwc: [Int], toChannelsFirst: Bool) -> Tensor {
    let (h, w, c) = (hwc[0], hwc[1], hwc[2])
    let pixels = h * w
    let perImage = pixels * c
    return t.withUnsafeBufferPointer { src in
      Tensor(shape: t.shape) { dst in
        for b in 0..<(src.count / max(perImage, 1)) {
          let base = b * perImage
          for p in 0..<pixels {
            for j in 0..<c {
              let hwcIndex = base + p * c + j
              let chwIndex = base + j * pixels + p
              if toChannelsFirst {
                dst[chwIndex] = src[hwcIndex]
              } else {
                dst[hwcIndex] = src[chwIndex]
              }
            }
          }
        }
      }
    }
  }
}
