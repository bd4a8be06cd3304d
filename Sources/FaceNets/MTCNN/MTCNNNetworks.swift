import FaceTensor

/// The three networks of MTCNN as `mtcnn==0.1.1` builds them in Keras.
///
/// The layers are those of `mtcnn/network/factory.py`, named as in the original Caffe models
/// (which the weights file uses).
///
/// Every network reads the **transposed** image, as the package feeds it: an NHWC tensor whose
/// axis 1 is the image x (column) and axis 2 the image y (row), channels R, G, B, each value
/// `(v - 127.5) * 0.0078125` for an 8-bit level `v` (so in `-0.99609375...0.99609375`). The
/// weights (converted from Caffe's column-major models) expect exactly this, including the
/// `Flatten` order of R-Net and O-Net (row-major over (x, y, channel), no permutation).
/// Convolutions are 'valid' with stride 1; max pooling uses TensorFlow's 'same' or 'valid' rule.
/// Softmax index 1 is the face probability.
public enum MTCNNNetworks {
  /// The kinds of network, in cascade order, with the name of their group in the weights file.
  public enum Kind: String, Sendable, CaseIterable {
    case pnet, rnet, onet
  }

  /// P-Net, fully convolutional, with zero weights.
  ///
  /// Input `[N, W, H, 3]` (transposed, `W, H >= 12`); outputs `[regression [N, W', H', 4],
  /// probabilities [N, W', H', 2]]` with `W' = ceil((W - 2) / 2) - 4` (likewise `H'`). Output
  /// cell `(a, b)` sees the 12x12 input window at `(2a, 2b)`; the regression is
  /// `(dx1, dy1, dx2, dy2)` in units of that window.
  public static func pnet() -> Network {
    var b = NetworkBuilder()
    var x = b.add(Conv2D(kernelShape: [3, 3, 3, 10]), named: "conv1", from: b.input)
    x = b.add(PReLU(channels: 10, alphaShape: [1, 1, 10]), named: "prelu1", from: x)
    x = b.add(MaxPool2D(window: (2, 2), padding: .same), named: "pool1", from: x)
    x = b.add(Conv2D(kernelShape: [3, 3, 10, 16]), named: "conv2", from: x)
    x = b.add(PReLU(channels: 16, alphaShape: [1, 1, 16]), named: "prelu2", from: x)
    x = b.add(Conv2D(kernelShape: [3, 3, 16, 32]), named: "conv3", from: x)
    x = b.add(PReLU(channels: 32, alphaShape: [1, 1, 32]), named: "prelu3", from: x)
    let logits = b.add(Conv2D(kernelShape: [1, 1, 32, 2]), named: "conv4-1", from: x)
    let probabilities = b.add(Softmax(), named: "prob1", from: logits)
    let regression = b.add(Conv2D(kernelShape: [1, 1, 32, 4]), named: "conv4-2", from: x)
    return b.build(outputs: [regression, probabilities])
  }

  /// R-Net with zero weights: `[N, 24, 24, 3]` (transposed crops) → `[regression [N, 4],
  /// probabilities [N, 2]]`.
  public static func rnet() -> Network {
    var b = NetworkBuilder()
    var x = b.add(Conv2D(kernelShape: [3, 3, 3, 28]), named: "conv1", from: b.input)
    x = b.add(PReLU(channels: 28, alphaShape: [1, 1, 28]), named: "prelu1", from: x)
    x = b.add(MaxPool2D(window: (3, 3), strides: (2, 2), padding: .same), named: "pool1", from: x)
    x = b.add(Conv2D(kernelShape: [3, 3, 28, 48]), named: "conv2", from: x)
    x = b.add(PReLU(channels: 48, alphaShape: [1, 1, 48]), named: "prelu2", from: x)
    x = b.add(MaxPool2D(window: (3, 3), strides: (2, 2)), named: "pool2", from: x)
    x = b.add(Conv2D(kernelShape: [2, 2, 48, 64]), named: "conv3", from: x)
    x = b.add(PReLU(channels: 64, alphaShape: [1, 1, 64]), named: "prelu3", from: x)
    x = b.add(Flatten(), named: "flatten", from: x)
    x = b.add(Dense(inputCount: 576, outputCount: 128), named: "conv4", from: x)
    x = b.add(PReLU(channels: 128), named: "prelu4", from: x)
    let logits = b.add(Dense(inputCount: 128, outputCount: 2), named: "conv5-1", from: x)
    let probabilities = b.add(Softmax(), named: "prob1", from: logits)
    let regression = b.add(Dense(inputCount: 128, outputCount: 4), named: "conv5-2", from: x)
    return b.build(outputs: [regression, probabilities])
  }

  /// O-Net with zero weights: `[N, 48, 48, 3]` (transposed crops) → `[regression [N, 4],
  /// landmarks [N, 10], probabilities [N, 2]]`.
  ///
  /// The landmarks are the x of the five points then their y, as fractions of the crop's width
  /// and height.
  public static func onet() -> Network {
    var b = NetworkBuilder()
    var x = b.add(Conv2D(kernelShape: [3, 3, 3, 32]), named: "conv1", from: b.input)
    x = b.add(PReLU(channels: 32, alphaShape: [1, 1, 32]), named: "prelu1", from: x)
    x = b.add(MaxPool2D(window: (3, 3), strides: (2, 2), padding: .same), named: "pool1", from: x)
    x = b.add(Conv2D(kernelShape: [3, 3, 32, 64]), named: "conv2", from: x)
    x = b.add(PReLU(channels: 64, alphaShape: [1, 1, 64]), named: "prelu2", from: x)
    x = b.add(MaxPool2D(window: (3, 3), strides: (2, 2)), named: "pool2", from: x)
    x = b.add(Conv2D(kernelShape: [3, 3, 64, 64]), named: "conv3", from: x)
    x = b.add(PReLU(channels: 64, alphaShape: [1, 1, 64]), named: "prelu3", from: x)
    x = b.add(MaxPool2D(window: (2, 2), padding: .same), named: "pool3", from: x)
    x = b.add(Conv2D(kernelShape: [2, 2, 64, 128]), named: "conv4", from: x)
    x = b.add(PReLU(channels: 128, alphaShape: [1, 1, 128]), named: "prelu4", from: x)
    x = b.add(Flatten(), named: "flatten", from: x)
    x = b.add(Dense(inputCount: 1152, outputCount: 256), named: "conv5", from: x)
    x = b.add(PReLU(channels: 256), named: "prelu5", from: x)
    let logits = b.add(Dense(inputCount: 256, outputCount: 2), named: "conv6-1", from: x)
    let probabilities = b.add(Softmax(), named: "prob1", from: logits)
    let regression = b.add(Dense(inputCount: 256, outputCount: 4), named: "conv6-2", from: x)
    let landmarks = b.add(Dense(inputCount: 256, outputCount: 10), named: "conv6-3", from: x)
    return b.build(outputs: [regression, landmarks, probabilities])
  }

  /// The network of `kind` with zero weights.
  public static func network(_ kind: Kind) -> Network {
    switch kind {
    case .pnet: return pnet()
    case .rnet: return rnet()
    case .onet: return onet()
    }
  }
}
