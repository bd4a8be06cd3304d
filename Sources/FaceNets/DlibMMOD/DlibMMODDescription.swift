import FaceTensor
import Foundation

/// dlib's CNN face detector (`mmod_human_face_detector.dat`) as read from its file: the 19
/// layers of its network with their parameters in FaceAdversary layouts, the input
/// normalisation, the pyramid's paddings and the settings of `loss_mmod`'s decoding.
///
/// The file stores the layers' kinds and shapes, which the reader checks against the fixed
/// topology of dlib's `cnn_face_detector.cpp`: three 5x5 stride-2 convolutions (16, 32, 32
/// filters, no padding), three 5x5 convolutions (45 filters, padding 2), each followed by an
/// affine layer and a relu, then a 9x9 convolution (padding 4) to one channel. This type only
/// describes the network; running it is a separate step.
///
/// Input: the tiled image pyramid of dlib's `input_rgb_image_pyramid`, RGB with pixels in
/// 0...255, minus `inputMeans[c]` and divided by 256 per channel; `pyramidPadding` pixels
/// separate the levels and `pyramidOuterPadding` surround them. Output: one score per position
/// of the final map; a position maps back to a `window`-sized rectangle, and detections are
/// pruned by non-maximum suppression with `nmsIoUThreshold` and `nmsCoveredThreshold`.
public struct DlibMMODDescription: Sendable {
  /// The 19 layers in forward order (input side first).
  public let layers: [DlibMMODLayer]
  /// The detection window in pixels of the pyramid level (80 x 80 in the published file).
  public let window: DlibMMODWindow
  /// Non-maximum suppression: two detections overlap when their intersection over union
  /// exceeds this (0.3382761351109955 in the published file).
  public let nmsIoUThreshold: Double
  /// Non-maximum suppression: two detections overlap when their intersection covers more than
  /// this fraction of either one (1.0 in the published file, so only the IoU test applies).
  public let nmsCoveredThreshold: Double
  /// The means of R, G and B (0...255 scale) subtracted before dividing by 256.
  public let inputMeans: [Float]
  /// Pixels of padding between the pyramid levels in the tiled image (10 by default).
  public let pyramidPadding: Int
  /// Pixels of padding around the tiled image (11 by default).
  public let pyramidOuterPadding: Int

  /// Parses the file at `url`.
  ///
  /// The structure is checked first, so a damaged file reports its first damaged field and that
  /// field's byte offset. A structurally valid file whose SHA-256 differs from the published
  /// file (`DlibModelFile.mmodHumanFaceDetector`) is then refused with `checksumMismatch`,
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
    self = try DlibMMODReader.read(&decoder)
    try DlibModelFile.mmodHumanFaceDetector.verify(bytes, fileName: fileName, policy: checksum)
  }

  init(
    layers: [DlibMMODLayer], window: DlibMMODWindow, nmsIoUThreshold: Double,
    nmsCoveredThreshold: Double, inputMeans: [Float], pyramidPadding: Int,
    pyramidOuterPadding: Int
  ) {
    self.layers = layers
    self.window = window
    self.nmsIoUThreshold = nmsIoUThreshold
    self.nmsCoveredThreshold = nmsCoveredThreshold
    self.inputMeans = inputMeans
    self.pyramidPadding = pyramidPadding
    self.pyramidOuterPadding = pyramidOuterPadding
  }

  /// The number of stored parameters (conv kernels and biases, affine gammas and betas):
  /// 181,141 for the published file.
  public var parameterCount: Int {
    layers.reduce(0) { total, layer in
      switch layer {
      case .convolution(let conv): return total + conv.kernel.count + conv.bias.count
      case .affine(let gamma, let beta): return total + gamma.count + beta.count
      case .relu: return total
      }
    }
  }
}

/// One layer of dlib's MMOD face detector network, input side first.
///
/// Tensors are NCHW with N = 1 in the formulas below; the parameters are stored in
/// FaceAdversary layouts.
public enum DlibMMODLayer: Sendable, Equatable {
  /// Cross-correlation plus bias (no kernel flip), zero outside the input:
  /// `out[oc,i,j] = bias[oc] + sum kernel[kh,kw,c,oc] * in[c, i*s + kh - p, j*s + kw - p]`.
  case convolution(DlibConvolution)
  /// Per-channel scale and shift: `out[c] = gamma[c] * in[c] + beta[c]`; `gamma` and `beta`
  /// have shape `[C]`.
  ///
  /// A stored batch-norm layer (`bn_con2`) arrives folded, as dlib's `affine_` builds itself
  /// from one: `gamma = bnGamma / sqrt(runningVariance + eps)`,
  /// `beta = bnBeta - gamma * runningMean`, in float arithmetic.
  case affine(gamma: Tensor, beta: Tensor)
  /// `max(0, x)`.
  case relu
}

/// The sliding window of the detector (80 x 80 in the published file).
///
/// A detection at an output position is a rectangle of this size in the tiled pyramid image,
/// centred on the position mapped back through the network, then mapped from the pyramid level
/// it lies in to the photo.
public struct DlibMMODWindow: Sendable, Equatable {
  /// Columns of the window, in pixels.
  public let width: Int
  /// Rows of the window, in pixels.
  public let height: Int
}
