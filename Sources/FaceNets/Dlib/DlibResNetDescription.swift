import FaceTensor
import Foundation

/// dlib's face-recognition ResNet (`dlib_face_recognition_resnet_model_v1.dat`) as read from its
/// file: the network's nodes from input to output with their parameters already in FaceAdversary
/// layouts, the input normalisation and the comparison threshold.
///
/// The file stores neither the tags and skips nor which tag each `add_prev` adds; they come from
/// the topology of section 4 of `../shared/docs/dlib-resnet-format.md`, which the reader checks
/// against the 130 wrapper version integers and the version string of every layer. This type
/// only describes the network; building layers from it is a separate step.
///
/// Input: a 150x150 RGB chip (see `DlibFaceChipDetails`), normalised per channel as
/// `(pixel - inputMeans[c]) / 256` with pixels in 0...255. Output: 128 raw floats (not
/// L2-normalised); two faces are the same person when the Euclidean distance between their
/// descriptors is at most `distanceThreshold`.
public struct DlibResNetDescription: Sendable {
  /// The 130 nodes in forward order (input side first): 108 stored layers and 22 tag/skip
  /// markers.
  public let nodes: [DlibResNetNode]
  /// The means of R, G and B (0-255 scale) subtracted before dividing by 256.
  public let inputMeans: [Float]
  /// The chip size the network takes: rows.
  public let inputRows: Int
  /// The chip size the network takes: columns.
  public let inputColumns: Int
  /// The largest descriptor distance at which two faces are the same person (0.6).
  public let distanceThreshold: Float
  /// The training margin of the metric loss (0.04; training only).
  public let lossMargin: Float

  /// Parses the file at `url`.
  ///
  /// The structure is checked first, so a damaged file reports its first damaged field and that
  /// field's byte offset. A structurally valid file whose SHA-256 differs from the published
  /// file (`DlibModelFile.faceRecognitionResNetV1`) is then refused with `checksumMismatch`,
  /// unless `checksum` is `.skip`.
  /// - Throws: `DlibFormatError`.
  public init(contentsOf url: URL, checksum: DlibChecksumPolicy = .verify) throws(DlibFormatError) {
    try self.init(
      bytes: try DlibModelFile.readBytes(of: url), fileName: url.lastPathComponent,
      checksum: checksum)
  }

  /// Parses the bytes of a file (see `init(contentsOf:checksum:)`); `fileName` is quoted in
  /// errors.
  /// - Throws: `DlibFormatError`.
  public init(bytes: [UInt8], fileName: String, checksum: DlibChecksumPolicy = .verify)
    throws(DlibFormatError)
  {
    var decoder = DlibDecoder(bytes: bytes, fileName: fileName)
    self = try DlibResNetReader.read(&decoder)
    try DlibModelFile.faceRecognitionResNetV1.verify(bytes, fileName: fileName, policy: checksum)
  }

  init(
    nodes: [DlibResNetNode], inputMeans: [Float], inputRows: Int, inputColumns: Int,
    distanceThreshold: Float, lossMargin: Float
  ) {
    self.nodes = nodes
    self.inputMeans = inputMeans
    self.inputRows = inputRows
    self.inputColumns = inputColumns
    self.distanceThreshold = distanceThreshold
    self.lossMargin = lossMargin
  }

  /// The number of stored parameters (conv kernels and biases, affine gammas and betas, fc
  /// weights): 5,614,592 for the published file.
  public var parameterCount: Int {
    nodes.reduce(0) { total, node in
      switch node {
      case .convolution(let conv): return total + conv.kernel.count + conv.bias.count
      case .affine(let gamma, let beta): return total + gamma.count + beta.count
      case .fullyConnected(let weights): return total + weights.count
      default: return total
      }
    }
  }
}

/// One node of `DlibResNetDescription`, in forward order.
///
/// Tensors are NCHW with N = 1 in the formulas below; the parameters are stored in
/// FaceAdversary layouts.
public enum DlibResNetNode: Sendable, Equatable {
  /// Cross-correlation plus bias (no kernel flip), zero outside the input:
  /// `out[oc,i,j] = bias[oc] + sum kernel[kh,kw,c,oc] * in[c, i*s + kh - p, j*s + kw - p]`.
  case convolution(DlibConvolution)
  /// Per-channel scale and shift (batch norm already folded): `out[c] = gamma[c] * in[c] +
  /// beta[c]`. `gamma` and `beta` have shape `[C]`.
  case affine(gamma: Tensor, beta: Tensor)
  /// `max(0, x)`.
  case relu
  /// Maximum over each window.
  case maxPool(DlibPooling)
  /// Mean over each window, or over the whole input when `isGlobal`.
  case averagePool(DlibPooling)
  /// Adds the value most recently remembered by `.tag(tag)` to the current value, padding each
  /// with zeros at the end of every axis (C, H, W) up to the element-wise larger shape.
  case addPrevious(tag: Int)
  /// `out[j] = sum_i x[i] * weights[i, j]`, no bias; `weights` is `[in, out]` = `[256, 128]`
  /// (the Keras Dense order), x the 256 pooled values.
  case fullyConnected(weights: Tensor)
  /// Remembers the current value under this tag id (the value passes through unchanged).
  case tag(Int)
  /// Replaces the current value with the value most recently remembered by `.tag(tag)`.
  case skip(tag: Int)
}

/// A convolution of `DlibResNetNode`: HWIO kernel, bias, strides and symmetric zero padding.
public struct DlibConvolution: Sendable, Equatable {
  /// `[KH, KW, C, OC]`, converted from the file's `(OC, C, KH, KW)`.
  public let kernel: Tensor
  /// `[OC]`.
  public let bias: Tensor
  /// Vertical stride.
  public let strideY: Int
  /// Horizontal stride.
  public let strideX: Int
  /// Zero rows added above and below the input.
  public let padY: Int
  /// Zero columns added left and right of the input.
  public let padX: Int
}

/// A pooling window of `DlibResNetNode`.
///
/// Output size `1 + (H + 2*padY - kernelHeight) / strideY` (integer division), likewise for W.
public struct DlibPooling: Sendable, Equatable {
  /// Window rows; 0 (with `kernelWidth` 0) means the whole input.
  public let kernelHeight: Int
  /// Window columns; 0 means the whole input.
  public let kernelWidth: Int
  /// Vertical stride.
  public let strideY: Int
  /// Horizontal stride.
  public let strideX: Int
  /// Padding rows (0 in this network).
  public let padY: Int
  /// Padding columns (0 in this network).
  public let padX: Int

  /// Whether the window is the whole input (global pooling).
  public var isGlobal: Bool { kernelHeight == 0 && kernelWidth == 0 }
}
