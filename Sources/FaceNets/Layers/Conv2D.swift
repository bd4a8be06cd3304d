import FaceTensor

/// 2-D convolution (cross-correlation, as Keras/TensorFlow/Caffe/dlib compute it) of an NHWC batch
/// with an HWIO kernel, plus an optional per-channel bias.
///
/// Forward: `y[n, oh, ow, oc] = bias[oc] + Σ_{kh, kw, c} x[n, oh·sy - top + kh·dy,
/// ow·sx - left + kw·dx, c] · kernel[kh, kw, c, oc]`, zero outside the input; computed as
/// im2col + `sgemm` by `Convolution.forward`, along a `ConvolutionPlan` made once per input shape.
/// Backward: `dx = col2im(dy · kernelᵀ)`; `dKernel = cols(x)ᵀ · dy`; `dBias = Σ_{n, oh, ow} dy`.
/// With `GradientScope.input` the pullback neither keeps the input nor computes `dKernel`/`dBias`.
/// With `fusedReLU` the output is `max(0, y)`, computed on each tile while it is in cache, and
/// the backward first masks `dy` where the output is 0.
///
/// Padding: `.valid`, `.same` (TensorFlow's rule: output `ceil(in / stride)`, the odd extra
/// row/column at the bottom/right, which matters for stride 2), or `.explicit` per side.
public struct Conv2D: Layer {
  /// `[KH, KW, C, OC]`.
  public var kernel: Tensor
  /// `[OC]`, or nil for a convolution without bias.
  public var bias: Tensor?
  /// `(sy, sx)`.
  public let strides: (Int, Int)
  /// `(dy, dx)`: the spacing of the kernel taps.
  public let dilations: (Int, Int)
  /// How the input borders are padded.
  public let padding: Padding
  /// Whether a ReLU is applied to the output (fused into the convolution's tiles).
  public let fusedReLU: Bool

  /// `kernel` and `bias` gradients.
  public typealias Gradient = KernelBiasGradient

  /// A convolution with the given weights.
  /// - Precondition: `kernel` has rank 4; `bias`, if given, has shape `[OC]`.
  public init(
    kernel: Tensor, bias: Tensor?, strides: (Int, Int) = (1, 1), dilations: (Int, Int) = (1, 1),
    padding: Padding = .valid, fusedReLU: Bool = false
  ) {
    precondition(kernel.rank == 4, "[Conv2D] kernel must be HWIO, got shape \(kernel.shape)")
    if let bias {
      precondition(
        bias.shape == [kernel.shape[3]],
        "[Conv2D] bias has shape \(bias.shape), expected [\(kernel.shape[3])]")
    }
    self.kernel = kernel
    self.bias = bias
    self.strides = strides
    self.dilations = dilations
    self.padding = padding
    self.fusedReLU = fusedReLU
  }

  /// A convolution with zero weights of the given shape, to be filled by a loader.
  /// - Parameter kernelShape: `[KH, KW, C, OC]`.
  public init(
    kernelShape: [Int], useBias: Bool = true, strides: (Int, Int) = (1, 1),
    dilations: (Int, Int) = (1, 1), padding: Padding = .valid
  ) {
    precondition(kernelShape.count == 4, "[Conv2D] kernel must be HWIO, got shape \(kernelShape)")
    self.init(
      kernel: Tensor(zeros: kernelShape), bias: useBias ? Tensor(zeros: [kernelShape[3]]) : nil,
      strides: strides, dilations: dilations, padding: padding)
  }

  /// The geometry of applying this convolution to an input of shape `[N, H, W, C]`.
  public func geometry(forInputShape shape: [Int]) -> Conv2DGeometry {
    Conv2DGeometry(
      inputShape: shape, kernelShape: kernel.shape, strides: strides, dilations: dilations,
      padding: padding)
  }

  /// `[N, OH, OW, OC]` for an input `[N, H, W, C]`.
  public func callAsFunction(_ input: Tensor) -> Tensor {
    Convolution.forward(
      input, kernel: kernel, bias: bias, geometry: geometry(forInputShape: input.shape),
      rectified: fusedReLU)
  }

  /// The forward pass and its pullback (see the type's doc for the backward formula).
  public func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (value: Tensor, pullback: Pullback<Gradient>)
  {
    // One plan for the shape, shared by the forward pass and both adjoints.
    let plan = ConvolutionPlan(geometry: geometry(forInputShape: input.shape))
    let output = Convolution.forward(
      input, kernel: kernel, bias: bias, plan: plan, rectified: fusedReLU)
    let kernel = self.kernel
    let hasBias = bias != nil
    let savedInput: Tensor? = scope == .inputAndParameters ? input : nil
    let rectifiedOutput: Tensor? = fusedReLU ? output : nil
    return (
      output,
      { outputGradient in
        let dy = rectifiedOutput.map { ReLU.mask(outputGradient, where: $0) } ?? outputGradient
        let dx = Convolution.inputGradient(dy, kernel: kernel, plan: plan)  // [N, H, W, C]
        guard let savedInput else { return (dx, nil) }
        let (dKernel, dBias) = Convolution.parameterGradients(dy, input: savedInput, plan: plan)
        return (dx, Gradient(kernel: dKernel, bias: hasBias ? dBias : nil))
      }
    )
  }

  /// `kernel`, and `bias` when the layer has one.
  public static var namedParameters: [NamedParameter<Self>] {
    [NamedParameter("kernel", \.kernel), NamedParameter("bias", \.bias)]
  }
}
