/// Every size of one 2-D convolution over an NHWC batch with an HWIO kernel.
///
/// Output extent per axis: `(in + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride + 1`.
/// Output pixel `(oh, ow)` reads input rows `oh * strideY - padTop + kh * dilationY` for
/// `kh` in `0..<kernelHeight` (and likewise for columns); positions outside the input read zero.
public struct Conv2DGeometry: Sendable, Equatable {
  /// Batch size N: the number of images.
  public let batch: Int
  /// Input height H, pixels.
  public let inputHeight: Int
  /// Input width W, pixels.
  public let inputWidth: Int
  /// Input channels C (also the kernel's input-channel extent).
  public let inputChannels: Int
  /// Output channels OC: the number of filters in the kernel.
  public let outputChannels: Int
  /// Kernel height KH, taps (before dilation).
  public let kernelHeight: Int
  /// Kernel width KW, taps (before dilation).
  public let kernelWidth: Int
  /// Vertical step between output rows, input pixels.
  public let strideY: Int
  /// Horizontal step between output columns, input pixels.
  public let strideX: Int
  /// Vertical spacing between kernel taps, input pixels (1 is a dense kernel).
  public let dilationY: Int
  /// Horizontal spacing between kernel taps, input pixels (1 is a dense kernel).
  public let dilationX: Int
  /// Zero rows added above the input, pixels.
  public let padTop: Int
  /// Zero rows added below the input, pixels.
  public let padBottom: Int
  /// Zero columns added left of the input, pixels.
  public let padLeft: Int
  /// Zero columns added right of the input, pixels.
  public let padRight: Int
  /// Output height OH, pixels.
  public let outputHeight: Int
  /// Output width OW, pixels.
  public let outputWidth: Int

  /// Geometry of convolving an input of shape `[N, H, W, C]` with a kernel `[KH, KW, C, OC]`.
  ///
  /// - Precondition: the channel counts agree, strides and dilations are positive, padding is not
  ///   negative and the output is at least 1x1.
  public init(
    inputShape: [Int], kernelShape: [Int], strides: (Int, Int) = (1, 1),
    dilations: (Int, Int) = (1, 1), padding: Padding = .valid
  ) {
    precondition(inputShape.count == 4, "[conv2D] input must be NHWC, got shape \(inputShape)")
    precondition(kernelShape.count == 4, "[conv2D] kernel must be HWIO, got shape \(kernelShape)")
    precondition(
      inputShape[3] == kernelShape[2],
      "[conv2D] input has \(inputShape[3]) channels, kernel expects \(kernelShape[2])")
    precondition(
      strides.0 > 0 && strides.1 > 0, "[conv2D] strides must be positive, got \(strides)")
    precondition(
      dilations.0 > 0 && dilations.1 > 0, "[conv2D] dilations must be positive, got \(dilations)")
    batch = inputShape[0]
    inputHeight = inputShape[1]
    inputWidth = inputShape[2]
    inputChannels = inputShape[3]
    kernelHeight = kernelShape[0]
    kernelWidth = kernelShape[1]
    outputChannels = kernelShape[3]
    (strideY, strideX) = strides
    (dilationY, dilationX) = dilations
    let effectiveHeight = dilationY * (kernelHeight - 1) + 1
    let effectiveWidth = dilationX * (kernelWidth - 1) + 1
    (padTop, padBottom) = padding.amounts(
      input: inputHeight, effectiveKernel: effectiveHeight, stride: strideY, vertical: true)
    (padLeft, padRight) = padding.amounts(
      input: inputWidth, effectiveKernel: effectiveWidth, stride: strideX, vertical: false)
    precondition(
      min(padTop, padBottom, padLeft, padRight) >= 0, "[conv2D] negative padding \(padding)")
    outputHeight = (inputHeight + padTop + padBottom - effectiveHeight) / strideY + 1
    outputWidth = (inputWidth + padLeft + padRight - effectiveWidth) / strideX + 1
    precondition(
      inputHeight + padTop + padBottom >= effectiveHeight
        && inputWidth + padLeft + padRight >= effectiveWidth,
      "[conv2D] kernel \(kernelHeight)x\(kernelWidth) (dilation \(dilations)) does not fit input "
        + "\(inputHeight)x\(inputWidth) with padding \(padding)")
  }

  /// `[N, OH, OW, OC]`.
  public var outputShape: [Int] { [batch, outputHeight, outputWidth, outputChannels] }
  /// `[N, H, W, C]`.
  public var inputShape: [Int] { [batch, inputHeight, inputWidth, inputChannels] }
  /// `[KH, KW, C, OC]`.
  public var kernelShape: [Int] { [kernelHeight, kernelWidth, inputChannels, outputChannels] }
  /// Rows of the im2col matrix: `N * OH * OW`.
  public var patchCount: Int { batch * outputHeight * outputWidth }
  /// Columns of the im2col matrix: `KH * KW * C`.
  public var patchLength: Int { kernelHeight * kernelWidth * inputChannels }
  /// Multiply-add count of the forward pass times two.
  public var flops: Int { 2 * patchCount * patchLength * outputChannels }

  /// Whether the im2col matrix is the input itself (1x1 kernel, stride 1, no padding).
  public var isPointwise: Bool {
    kernelHeight == 1 && kernelWidth == 1 && strideY == 1 && strideX == 1
      && padTop == 0 && padBottom == 0 && padLeft == 0 && padRight == 0
  }
}
