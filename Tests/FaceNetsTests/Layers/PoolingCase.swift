import FaceNets
import FaceTensor
import FaceTestSupport

/// One pooling configuration of the test grid.
struct PoolingCase: CustomStringConvertible, Sendable {
  let inputShape: [Int]
  let window: (Int, Int)
  let strides: (Int, Int)
  let padding: Padding
  let rounding: PoolingRounding

  var description: String { "x\(inputShape) w\(window) s\(strides) \(padding) \(rounding)" }

  init(
    _ inputShape: [Int], _ window: (Int, Int), _ strides: (Int, Int), _ padding: Padding,
    _ rounding: PoolingRounding
  ) {
    (self.inputShape, self.window, self.strides, self.padding, self.rounding) = (
      inputShape, window, strides, padding, rounding
    )
  }

  /// Floor and Caffe-ceil rules with and without padding, TensorFlow 'same', overlapping windows,
  /// a window trimmed by Caffe's "must start inside" check, N = 2.
  static let all: [PoolingCase] = [
    PoolingCase([2, 7, 7, 2], (3, 3), (2, 2), .valid, .floor),
    PoolingCase([2, 7, 7, 2], (2, 2), (2, 2), .valid, .ceil),
    PoolingCase([2, 10, 9, 3], (3, 3), (2, 2), .valid, .ceil),
    PoolingCase([2, 10, 9, 2], (3, 3), (2, 2), .same, .floor),
    PoolingCase([2, 7, 6, 2], (2, 2), (2, 2), .same, .floor),
    PoolingCase(
      [2, 6, 6, 2], (3, 3), (2, 2), .explicit(top: 1, bottom: 1, left: 1, right: 1), .ceil),
    PoolingCase(
      [2, 5, 5, 2], (2, 2), (2, 2), .explicit(top: 1, bottom: 1, left: 1, right: 1), .ceil),
    PoolingCase([2, 6, 7, 2], (3, 3), (1, 1), .same, .floor),
    PoolingCase([2, 8, 8, 3], (2, 2), (2, 2), .valid, .floor),
  ]

  /// The output size and leading padding by the test's own reading of the rules (Double
  /// arithmetic; Caffe's `(out - 1) * stride >= in + pad` trim).
  var expectedGeometry: (padTop: Int, padLeft: Int, outputHeight: Int, outputWidth: Int) {
    func axis(_ input: Int, _ k: Int, _ s: Int, _ before: Int, _ after: Int) -> (Int, Int) {
      switch padding {
      case .same:
        let out = Int((Double(input) / Double(s)).rounded(.up))
        return ((max((out - 1) * s + k - input, 0)) / 2, out)
      default:
        let span = Double(input + before + after - k) / Double(s)
        var out = Int(rounding == .floor ? span.rounded(.down) : span.rounded(.up)) + 1
        if (out - 1) * s >= input + before { out -= 1 }
        return (before, out)
      }
    }
    var (t, b, l, r) = (0, 0, 0, 0)
    if case .explicit(let top, let bottom, let left, let right) = padding {
      (t, b, l, r) = (top, bottom, left, right)
    }
    let (padTop, oh) = axis(inputShape[1], window.0, strides.0, t, b)
    let (padLeft, ow) = axis(inputShape[2], window.1, strides.1, l, r)
    return (padTop, padLeft, oh, ow)
  }

  /// Distinct values spaced 0.035 apart in random order: no ties, and a ±0.01 step never changes
  /// which pixel wins a max.
  func input(seed: UInt64) -> Tensor {
    var g = SplitMix64(seed: seed)
    let count = inputShape.reduce(1, *)
    var values = (0..<count).map { Float($0) * 0.035 - Float(count) * 0.0175 }
    values.shuffle(using: &g)
    return Tensor(shape: inputShape, scalars: values)
  }
}
