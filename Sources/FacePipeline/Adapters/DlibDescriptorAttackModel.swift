import Adversary
import FaceNets
import FaceTensor

/// dlib's face-recognition ResNet as a model an attack can query.
///
/// Aligned chips `[N, 150, 150, 3]` (RGB, 0...255) go to 128-D descriptors `[N, 128]`, with the
/// gradient back to the chips' pixels. Pair it with `AttackGoal.dodging` or `.impersonation`
/// and dlib's threshold `resNet.distanceThreshold` (0.6).
public struct DlibDescriptorAttackModel: AttackableModel, Sendable {
  /// The descriptor network.
  public let resNet: DlibResNet

  /// The adapter for `resNet`.
  public init(resNet: DlibResNet) { self.resNet = resNet }

  /// Pixels are 8-bit levels.
  public var inputBounds: ClosedRange<Float> { 0...255 }

  /// Descriptors `[N, 128]`.
  public func outputs(for images: Tensor) -> Tensor { resNet(images) }

  /// Descriptors and the pullback to the chips' pixels.
  public func outputsWithPullback(for images: Tensor) -> (
    outputs: Tensor, pullback: (Tensor) -> Tensor
  ) {
    let (descriptors, pullback) = resNet.valueWithPullback(at: images)
    return (descriptors, pullback)
  }
}
