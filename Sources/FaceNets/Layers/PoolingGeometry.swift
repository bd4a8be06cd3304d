import FaceTensor

/// How the number of pooling windows is rounded when they do not tile the padded input exactly.
public enum PoolingRounding: Sendable, Equatable {
  /// `out = floor((in + padBefore + padAfter - window) / stride) + 1` (Keras 'valid', dlib, Caffe
  /// convolutions): windows never extend past the padded input.
  case floor
  /// Caffe's pooling rule, which MTCNN's weights were trained with:
  /// `out = ceil((in + padBefore + padAfter - window) / stride) + 1`, then one window fewer if the
  /// last window would start at or beyond `in + padBefore` (Caffe's
  /// `(pooled - 1) * stride >= in + pad` check). The last window may reach past the padding; it is
  /// clipped to the input.
  case ceil
}

/// Every size of one pooling operation over an NHWC batch, and the input pixels each window covers.
///
/// Output pixel `(oh, ow)`'s window starts at input row `oh · strideY - padTop` (column
/// `ow · strideX - padLeft`) and spans `windowHeight × windowWidth` pixels; the part outside the
/// input is padding: it never wins a max and is not counted in an average.
///
/// Padding rules:
/// - `.same` (TensorFlow/Keras): `out = ceil(in / stride)`, total padding
///   `max((out - 1) · stride + window - in, 0)`, the odd pixel at the bottom/right; `rounding` is
///   ignored. A 2x2/2 window gives the same windows as Caffe's ceil rule for every size, a 3x3/2
///   window for even sizes only; `mtcnn` 0.1.1 (Keras) picks 'same' or 'valid' per layer so that
///   its sizes match the Caffe-trained weights.
/// - `.valid` and `.explicit(...)`: output size by `rounding` (`.floor` or Caffe's `.ceil`).
public struct PoolingGeometry: Sendable, Equatable {
  /// `N`.
  public let batch: Int
  /// `H`.
  public let inputHeight: Int
  /// `W`.
  public let inputWidth: Int
  /// `C` (input and output).
  public let channels: Int
  /// `KH`.
  public let windowHeight: Int
  /// `KW`.
  public let windowWidth: Int
  /// Rows between window starts.
  public let strideY: Int
  /// Columns between window starts.
  public let strideX: Int
  /// Padding rows above the input (the rows below follow from the output size).
  public let padTop: Int
  /// Padding columns left of the input.
  public let padLeft: Int
  /// `OH`.
  public let outputHeight: Int
  /// `OW`.
  public let outputWidth: Int

  /// The geometry of pooling an input `[N, H, W, C]`.
  ///
  /// - Precondition: the input is rank 4; window and strides are positive; each side's padding is
  ///   smaller than the window (so every window covers at least one input pixel); the window fits.
  public init(
    inputShape: [Int], window: (Int, Int), strides: (Int, Int), padding: Padding,
    rounding: PoolingRounding
  ) {
    precondition(inputShape.count == 4, "[pool] input must be NHWC, got shape \(inputShape)")
    precondition(
      window.0 > 0 && window.1 > 0 && strides.0 > 0 && strides.1 > 0,
      "[pool] window \(window) and strides \(strides) must be positive")
    batch = inputShape[0]
    inputHeight = inputShape[1]
    inputWidth = inputShape[2]
    channels = inputShape[3]
    (windowHeight, windowWidth) = window
    (strideY, strideX) = strides
    (padTop, outputHeight) = PoolingGeometry.axis(
      input: inputHeight, window: windowHeight, stride: strideY, padding: padding, vertical: true,
      rounding: rounding)
    (padLeft, outputWidth) = PoolingGeometry.axis(
      input: inputWidth, window: windowWidth, stride: strideX, padding: padding, vertical: false,
      rounding: rounding)
  }

  /// `[N, OH, OW, C]`.
  public var outputShape: [Int] { [batch, outputHeight, outputWidth, channels] }
  /// `[N, H, W, C]`.
  public var inputShape: [Int] { [batch, inputHeight, inputWidth, channels] }

  /// The input rows covered by output row `oh` (the window clipped to the input; never empty).
  @inline(__always)
  public func inputRows(forOutputRow oh: Int) -> Range<Int> {
    let start = oh * strideY - padTop
    return max(start, 0)..<min(start + windowHeight, inputHeight)
  }

  /// The input columns covered by output column `ow` (the window clipped to the input).
  @inline(__always)
  public func inputColumns(forOutputColumn ow: Int) -> Range<Int> {
    let start = ow * strideX - padLeft
    return max(start, 0)..<min(start + windowWidth, inputWidth)
  }

  /// `(padBefore, outputExtent)` along one axis.
  static func axis(
    input: Int, window: Int, stride: Int, padding: Padding, vertical: Bool,
    rounding: PoolingRounding
  ) -> (Int, Int) {
    let (before, after): (Int, Int)
    var out: Int
    if padding == .same {
      out = (input + stride - 1) / stride
      let total = max((out - 1) * stride + window - input, 0)
      (before, after) = (total / 2, total - total / 2)
    } else {
      (before, after) = padding.amounts(
        input: input, effectiveKernel: window, stride: stride, vertical: vertical)
      let span = input + before + after - window
      precondition(
        span >= 0, "[pool] window \(window) does not fit input \(input) with padding \(padding)")
      switch rounding {
      case .floor: out = span / stride + 1
      case .ceil: out = (span + stride - 1) / stride + 1
      }
      if (out - 1) * stride - before >= input { out -= 1 }
    }
    precondition(
      before >= 0 && after >= 0 && before < window && after < window,
      "[pool] padding (\(before), \(after)) must be smaller than the window \(window)")
    return (before, out)
  }
}
