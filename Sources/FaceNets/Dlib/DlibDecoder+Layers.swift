import FaceTensor

/// The bodies of the dlib layers that more than one network file holds (`con_`, `affine_`,
/// `relu_`) and the trailer that follows every layer (section 2.2 of the format note).
///
/// Each body reader starts after the layer's version string and is given that string, since
/// later versions of a layer store more fields.
extension DlibDecoder {
  /// The `con_` versions read: `con_4`, `con_5` (adds `use_bias`) and `con_6` (adds `use_relu`).
  static let convolutionVersions = ["con_4", "con_5", "con_6"]
  /// The `affine_` versions read: `affine_` and `affine_2` (adds `disabled`).
  static let affineVersions = ["affine_", "affine_2"]
  /// The `relu_` versions read: `relu_` and `relu_2` (adds `disabled`).
  static let reluVersions = ["relu_", "relu_2"]

  /// Reads a `con_` body whose hyper-parameters must be the given ones, and converts the kernel
  /// from the file's `(OC, C, KH, KW)` to HWIO `[KH, KW, C, OC]`.
  ///
  /// Layout: the parameter tensor (`OC*C*KH*KW` weights, then `OC` biases unless the layer has
  /// none), `num_filters`, `KH`, `KW`, `stride_y`, `stride_x`, `pad_y`, `pad_x`, the filters view
  /// `[OC, C, KH, KW]`, the biases view (`[1, OC, 1, 1]`, or `[0, 0, 0, 0]` without biases) and
  /// four training multipliers; `con_5` then stores `use_bias`, `con_6` also `use_relu`. A
  /// convolution without biases gets a zero bias. A relu fused into the convolution (`use_relu`
  /// on) is refused: the layers that follow assume an unfused network.
  /// - Parameters:
  ///   - version: one of `convolutionVersions`, already read.
  ///   - pad: zero padding on every side, in pixels.
  /// - Throws: `DlibFormatError` at the first field that differs.
  mutating func readConvolution(
    version: String, outChannels oc: Int, inChannels c: Int, kernel k: Int, stride: Int,
    pad: Int
  ) throws(DlibFormatError) -> DlibConvolution {
    let weightCount = oc * c * k * k
    let withBias = [weightCount + oc, 1, 1, 1]
    let (shape, params) = try readTensor(
      "conv parameters",
      oneOf: version == "con_4" ? [withBias] : [withBias, [weightCount, 1, 1, 1]])
    let hasBias = shape == withBias
    for (field, value) in [
      ("num_filters", oc), ("KH", k), ("KW", k), ("stride_y", stride), ("stride_x", stride),
      ("pad_y", pad), ("pad_x", pad),
    ] {
      try expectInteger("conv \(field)", equals: Int64(value))
    }
    try expectAliasTensor("conv filters", shape: [oc, c, k, k])
    try expectAliasTensor("conv biases", shape: hasBias ? [1, oc, 1, 1] : [0, 0, 0, 0])
    try skipTrainingMultipliers(of: "conv")
    if version != "con_4" {
      let start = offset
      if try readBool("conv use_bias") != hasBias {
        throw DlibFormatError.unexpectedValue(
          file: fileName, offset: start, field: "conv use_bias",
          expected: hasBias ? "'1' (the parameters hold biases)" : "'0' (the parameters hold none)",
          found: hasBias ? "'0'" : "'1'")
      }
    }
    if version == "con_6" {
      let start = offset
      if try readBool("conv use_relu") {
        throw DlibFormatError.unexpectedValue(
          file: fileName, offset: start, field: "conv use_relu",
          expected: "'0' (a relu fused into the convolution is not supported)", found: "'1'")
      }
    }

    let kernel = Tensor(shape: [k, k, c, oc]) { hwio in
      for o in 0..<oc {
        for i in 0..<c {
          for y in 0..<k {
            for x in 0..<k {
              hwio[((y * k + x) * c + i) * oc + o] = params[((o * c + i) * k + y) * k + x]
            }
          }
        }
      }
    }
    let bias = hasBias ? Array(params[weightCount...]) : [Float](repeating: 0, count: oc)
    return DlibConvolution(
      kernel: kernel, bias: Tensor(shape: [oc], scalars: bias), strideY: stride,
      strideX: stride, padY: pad, padX: pad)
  }

  /// Reads an `affine_` body over `channels` channels: the parameter tensor `[2C, 1, 1, 1]`
  /// (gammas, then betas), the gamma and beta views `[1, C, 1, 1]`, the mode (0 = per channel)
  /// and, for `affine_2`, `disabled`, which must be off.
  /// - Parameter version: one of `affineVersions`, already read.
  /// - Returns: `gamma` and `beta`, each `[C]`, for `out[c] = gamma[c] * in[c] + beta[c]`.
  /// - Throws: `DlibFormatError` at the first field that differs.
  mutating func readAffine(version: String, channels: Int) throws(DlibFormatError) -> (
    gamma: Tensor, beta: Tensor
  ) {
    let params = try readTensor("affine parameters", expectedShape: [2 * channels, 1, 1, 1])
    try expectAliasTensor("affine gamma", shape: [1, channels, 1, 1])
    try expectAliasTensor("affine beta", shape: [1, channels, 1, 1])
    try expectInteger("affine mode (0 = per channel)", equals: 0)
    if version == "affine_2" {
      try expectBool("affine disabled", equals: false)
    }
    return (
      Tensor(shape: [channels], scalars: Array(params[0..<channels])),
      Tensor(shape: [channels], scalars: Array(params[channels...]))
    )
  }

  /// Reads a `relu_` body: nothing for `relu_`, `disabled` (which must be off) for `relu_2`.
  /// - Parameter version: one of `reluVersions`, already read.
  mutating func readRelu(version: String) throws(DlibFormatError) {
    if version == "relu_2" {
      try expectBool("relu disabled", equals: false)
    }
  }

  /// Reads the four training-only doubles of a layer with parameters (learning-rate and
  /// weight-decay multipliers of the weights and of the biases); each must be finite.
  mutating func skipTrainingMultipliers(of kind: String) throws(DlibFormatError) {
    for field in ["lr_mult", "wd_mult", "bias_lr_mult", "bias_wd_mult"] {
      _ = try readFiniteDouble("\(kind) \(field)")
    }
  }

  /// Reads the trailer after a layer's details: the bools `this_layer_setup_called` and
  /// `gradient_input_is_stale` (both '1'), `get_output_and_gradient_input_disabled`, three empty
  /// tensors (`x_grad`, `cached_output`, then `params_grad`, or `grad_final` for the input
  /// wrapper) and, for the input wrapper only, `sample_expansion_factor` = 1.
  ///
  /// `get_output_and_gradient_input_disabled` is '1' when the layer stacked on this one ran in
  /// place during training (a relu, say); it does not change the numbers.
  /// - Parameters:
  ///   - isInputWrapper: whether this is the layer of the wrapper around the input layer.
  ///   - outputDisabled: the value `get_output_and_gradient_input_disabled` must have, or nil
  ///     to accept either.
  mutating func readLayerTrailer(isInputWrapper: Bool, outputDisabled: Bool?)
    throws(DlibFormatError)
  {
    try expectBool("this_layer_setup_called", equals: true)
    try expectBool("gradient_input_is_stale", equals: true)
    if let outputDisabled {
      try expectBool("get_output_and_gradient_input_disabled", equals: outputDisabled)
    } else {
      _ = try readBool("get_output_and_gradient_input_disabled")
    }
    for field in ["x_grad", "cached_output", isInputWrapper ? "grad_final" : "params_grad"] {
      _ = try readTensor(field, expectedShape: [0, 0, 0, 0])
    }
    if isInputWrapper {
      try expectInteger("sample_expansion_factor", equals: 1)
    }
  }
}
