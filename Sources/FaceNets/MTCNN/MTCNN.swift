import FaceTensor
import Foundation

/// The MTCNN face detector with the weights and the semantics of the `mtcnn` Python package 0.1.1.
///
/// MTCNN is Zhang et al., 2016. For the same 8-bit RGB image this detector gives the package's
/// boxes, confidences and landmarks, in the same order.
///
/// The cascade (`detect(in:)`):
/// 1. **P-Net** over an image pyramid (`MTCNNPyramid`): each level is the image resized with
///    OpenCV's INTER_AREA on the 8-bit pixels (bit-exact). Cells scoring `>= thresholds.pnet`
///    become 12x12 windows mapped back to the image (`fix((2a + 1) / scale)`, `fix((2a + 12) /
///    scale)`), non-maximum suppression per level (IoU 0.5), then over all levels (IoU 0.7), box
///    regression (scaled by `x2 - x1`), squaring, truncation to integers.
/// 2. **R-Net** on 24x24 crops: each candidate's zero-padded crop (float, not rounded) resized with
///    INTER_AREA; candidates scoring `> thresholds.rnet`, NMS (IoU 0.7), regression (scaled by
///    `x2 - x1 + 1`), squaring.
/// 3. **O-Net** on 48x48 crops of the truncated boxes; candidates scoring `> thresholds.onet` get
///    landmarks (float32, as the package stores them) and regression, then NMS by the
///    intersection over the smaller box (0.7).
///
/// Pixels are normalised to `(v - 127.5) * 0.0078125` (RGB order) and the networks read the
/// transposed image (`MTCNNNetworks`). R-Net and O-Net run on batches of candidates: one GEMM per
/// layer for up to `MTCNN.batchSize` crops.
///
/// An image without faces, or smaller than `minFaceSize`, gives an empty result.
public struct MTCNN: Sendable {
  /// The detection parameters (validated).
  public let options: MTCNNOptions
  /// P-Net with its weights (see `MTCNNNetworks.pnet()`).
  public let pnet: Network
  /// R-Net with its weights.
  public let rnet: Network
  /// O-Net with its weights.
  public let onet: Network

  /// R-Net and O-Net candidates per forward pass (memory stays bounded however many candidates
  /// an image has).
  public static let batchSize = 128

  /// A detector with the weights bundled with FaceNets (`mtcnn_weights.h5`, converted from
  /// `mtcnn==0.1.1`), after checking the file's SHA-256.
  /// - Throws: `MTCNNError.invalidOption` for options out of range; `.bundledWeightsMissing`,
  ///   `.damagedBundledWeights` (another SHA-256) or a weights error if the bundled file is
  ///   absent or damaged.
  public init(options: MTCNNOptions = MTCNNOptions()) throws(MTCNNError) {
    try self.init(weightsAt: MTCNNWeights.bundledFileURL(), options: options)
  }

  /// A detector with the weights in the HDF5 file at `url` (the layout of `mtcnn_weights.h5`);
  /// each dataset's shape is checked before it is read, and NaN or infinite weights are refused.
  /// - Throws: `MTCNNError.invalidOption`, or a weights error naming the file and the place in it
  ///   (`.shapeMismatch`, `.nonFiniteWeight`, ...).
  public init(weightsAt url: URL, options: MTCNNOptions = MTCNNOptions()) throws(MTCNNError) {
    try options.validate()
    let networks = try MTCNNWeights.load(from: url)
    self.init(options: options, pnet: networks.pnet, rnet: networks.rnet, onet: networks.onet)
  }

  private init(options: MTCNNOptions, pnet: Network, rnet: Network, onet: Network) {
    self.options = options
    self.pnet = pnet
    self.rnet = rnet
    self.onet = onet
  }

  /// The same networks with other options.
  /// - Throws: `MTCNNError.invalidOption`.
  public func with(options: MTCNNOptions) throws(MTCNNError) -> MTCNN {
    try options.validate()
    return MTCNN(options: options, pnet: pnet, rnet: rnet, onet: onet)
  }

  /// The faces in `image` (upright 8-bit RGB, as decoded by `RGBImage(contentsOf:)`), in the
  /// package's order: by decreasing O-Net confidence, after its final non-maximum suppression.
  public func detect(in image: RGBImage) -> [FaceDetection] {
    let proposals = proposals(in: image)
    guard !proposals.isEmpty else { return [] }
    let refined = refine(proposals, in: image)
    guard !refined.isEmpty else { return [] }
    return finish(refined, in: image)
  }
}
