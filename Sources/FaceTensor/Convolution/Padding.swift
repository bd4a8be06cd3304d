/// How a sliding window (convolution or pooling) is padded at the borders of the input.
public enum Padding: Sendable, Hashable, CustomStringConvertible {
  /// No padding: only windows that lie fully inside the input.
  case valid
  /// TensorFlow's "same": output extent `ceil(input / stride)`; the total padding
  /// `max((out - 1) * stride + effectiveKernel - input, 0)` is split with the odd extra row/column
  /// at the **bottom/right** (`before = total / 2`).
  case same
  /// Explicit zero padding on each side, in pixels.
  case explicit(top: Int, bottom: Int, left: Int, right: Int)

  /// The padding before and after along one axis.
  ///
  /// - Parameters:
  ///   - input: the input extent along the axis.
  ///   - effectiveKernel: `dilation * (kernel - 1) + 1`.
  ///   - stride: the window step.
  ///   - vertical: whether the axis is the height (selects top/bottom of `.explicit`).
  public func amounts(input: Int, effectiveKernel: Int, stride: Int, vertical: Bool)
    -> (before: Int, after: Int)
  {
    switch self {
    case .valid:
      return (0, 0)
    case .same:
      let out = (input + stride - 1) / stride
      let total = max((out - 1) * stride + effectiveKernel - input, 0)
      return (total / 2, total - total / 2)
    case .explicit(let top, let bottom, let left, let right):
      return vertical ? (top, bottom) : (left, right)
    }
  }

  /// `valid`, `same`, or `explicit(top,bottom,left,right)` with the four amounts in pixels.
  public var description: String {
    switch self {
    case .valid: return "valid"
    case .same: return "same"
    case .explicit(let t, let b, let l, let r): return "explicit(\(t),\(b),\(l),\(r))"
    }
  }
}
