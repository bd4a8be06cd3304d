import FaceTensor

/// The network of dlib's MMOD face detector as a FaceNets `Network`, and where its output
/// positions sit in its input.
///
/// Input: the tiled pyramid `[1, rows, columns, 3]` of normalised pixels
/// (`(level - mean) / 256`, zero between levels). Output: `[1, OH, OW, 1]` detection scores, one
/// per position of the detector window; a face is where the score exceeds 0. Each convolution is
/// built with the affine layer after it folded in (`kernel' = kernel · gamma`, `bias' = bias ·
/// gamma + beta`) and the relu after that computed by the convolution too (`Conv2D.fusedReLU`),
/// named `layerK_conv_affine_relu` after its stored index; the last convolution is
/// `layer18_conv`.
enum DlibMMODNetwork {
  /// The network for `layers` (input side first).
  static func network(for layers: [DlibMMODLayer]) -> Network {
    var builder = NetworkBuilder()
    var current = builder.input
    var index = 0
    while index < layers.count {
      let name = "layer\(index)"
      switch layers[index] {
      case .convolution(let conv):
        if index + 1 < layers.count, case .affine(let gamma, let beta) = layers[index + 1] {
          let rectified = index + 2 < layers.count && layers[index + 2] == .relu
          current = builder.add(
            conv.folded(gamma: gamma, beta: beta, fusedReLU: rectified),
            named: name + (rectified ? "_conv_affine_relu" : "_conv_affine"), from: current)
          index += rectified ? 3 : 2
          continue
        }
        current = builder.add(conv.layer, named: name + "_conv", from: current)
      case .affine(let gamma, let beta):
        current = builder.add(
          Affine(gamma: gamma, beta: beta), named: name + "_affine", from: current)
      case .relu:
        current = builder.add(ReLU(), named: name + "_relu", from: current)
      }
      index += 1
    }
    return builder.build(outputs: [current])
  }

  /// The smallest side (rows or columns) of an input that gives at least one output position:
  /// each convolution's `out = (in + 2 pad - KH) / stride + 1` inverted from one output back to
  /// the input (29 for the published detector).
  static func smallestInputSide(for layers: [DlibMMODLayer]) -> Int {
    var side = 1
    for case .convolution(let conv) in layers.reversed() {
      let kernel = conv.kernel.shape[0]
      side = max(1, (side - 1) * conv.strideY + kernel - 2 * conv.padY)
    }
    return side
  }

  /// Where output position `p` (a column or a row) is centred in the input: `scale · p +
  /// offset`, composed from every convolution's `p_in = stride · p_out + KH / 2 - pad` (dlib's
  /// `map_output_to_input`); `(8, 14)` for the published detector.
  static func outputToInput(for layers: [DlibMMODLayer]) -> (scale: Int, offset: Int) {
    var (scale, offset) = (1, 0)
    for case .convolution(let conv) in layers.reversed() {
      let kernel = conv.kernel.shape[0]
      (scale, offset) = (scale * conv.strideY, offset * conv.strideY + kernel / 2 - conv.padY)
    }
    return (scale, offset)
  }
}
