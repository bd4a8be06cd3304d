import FaceNets
import FaceTensor
import FaceTestSupport

/// One convolution configuration of the test grid: small shapes that still hit strides, dilation,
/// padding borders and a batch of two.
struct Conv2DCase: CustomStringConvertible, Sendable {
  let inputShape: [Int]
  let kernelShape: [Int]
  let strides: (Int, Int)
  let dilations: (Int, Int)
  let padding: Padding
  let useBias: Bool

  var description: String {
    "x\(inputShape) k\(kernelShape) s\(strides) d\(dilations) \(padding)\(useBias ? "" : " no-bias")"
  }

  /// The grid: valid/same/explicit, stride 1 and 2 (same + stride 2 on odd and even sizes, where
  /// TensorFlow puts the odd padding row at the bottom), dilation 2, 1x1, non-square kernels, and
  /// two with at least four input channels per output channel (computed tap by tap).
  static let all: [Conv2DCase] = [
    Conv2DCase([2, 5, 5, 3], [3, 3, 3, 4], (1, 1), (1, 1), .valid, true),
    Conv2DCase([2, 5, 6, 2], [3, 3, 2, 3], (1, 1), (1, 1), .same, true),
    Conv2DCase([2, 7, 7, 3], [3, 3, 3, 2], (2, 2), (1, 1), .same, true),
    Conv2DCase([2, 6, 6, 2], [3, 3, 2, 3], (2, 2), (1, 1), .same, false),
    Conv2DCase([2, 6, 5, 2], [2, 2, 2, 3], (2, 2), (1, 1), .same, true),
    Conv2DCase([2, 7, 6, 3], [3, 3, 3, 2], (2, 2), (1, 1), .valid, true),
    Conv2DCase([1, 9, 9, 2], [7, 7, 2, 2], (2, 2), (1, 1), .same, true),
    Conv2DCase([2, 7, 7, 2], [3, 3, 2, 3], (1, 1), (2, 2), .same, true),
    Conv2DCase([2, 8, 7, 2], [3, 2, 2, 2], (1, 2), (2, 1), .valid, true),
    Conv2DCase(
      [2, 5, 5, 3], [3, 3, 3, 2], (1, 1), (1, 1), .explicit(top: 1, bottom: 2, left: 0, right: 1),
      true),
    Conv2DCase(
      [2, 6, 6, 2], [3, 3, 2, 2], (2, 2), (1, 1), .explicit(top: 0, bottom: 0, left: 1, right: 1),
      true),
    Conv2DCase([2, 4, 5, 3], [1, 1, 3, 4], (1, 1), (1, 1), .valid, true),
    Conv2DCase([2, 5, 5, 3], [1, 1, 3, 4], (2, 2), (1, 1), .same, false),
    Conv2DCase([2, 6, 5, 8], [3, 3, 8, 2], (1, 1), (1, 1), .same, true),
    Conv2DCase(
      [1, 7, 6, 4], [5, 3, 4, 1], (1, 1), (1, 1), .explicit(top: 2, bottom: 1, left: 0, right: 2),
      false),
  ]

  init(
    _ inputShape: [Int], _ kernelShape: [Int], _ strides: (Int, Int), _ dilations: (Int, Int),
    _ padding: Padding, _ useBias: Bool
  ) {
    (self.inputShape, self.kernelShape, self.strides) = (inputShape, kernelShape, strides)
    (self.dilations, self.padding, self.useBias) = (dilations, padding, useBias)
  }

  /// A layer with seeded random weights and a seeded random input.
  func make(seed: UInt64) -> (layer: Conv2D, input: Tensor) {
    var g = SplitMix64(seed: seed)
    let kernel = g.uniformTensor(kernelShape)
    let bias = useBias ? g.uniformTensor([kernelShape[3]]) : nil
    let layer = Conv2D(
      kernel: kernel, bias: bias, strides: strides, dilations: dilations, padding: padding)
    return (layer, g.uniformTensor(inputShape))
  }

  /// The padding amounts, computed by the test's own rule (not the library's).
  var pads: NaivePads {
    switch padding {
    case .valid: return .zero
    case .same:
      let effective = (
        dilations.0 * (kernelShape[0] - 1) + 1, dilations.1 * (kernelShape[1] - 1) + 1
      )
      return .tensorFlowSame(
        height: inputShape[1], width: inputShape[2], effectiveKernel: effective, strides: strides)
    case .explicit(let t, let b, let l, let r):
      return NaivePads(top: t, bottom: b, left: l, right: r)
    }
  }
}
