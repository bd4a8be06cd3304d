import Adversary
import FaceNets
import FaceTensor

/// Any FaceNets `Network` as a model an attack can query: its first output (class logits or an
/// embedding, `[N, D]`) for images `[N, H, W, C]`, with the input gradient only.
///
/// Use it for a network you built or trained yourself; the published models have their own
/// adapters (`VGGFaceAttackModel`, `DlibDescriptorAttackModel`) that check their input shape.
public struct NetworkAttackModel: AttackableModel, Sendable {
  /// The network; its first output is what the attack sees.
  public let network: Network
  /// The range of the network's input pixels.
  public let inputBounds: ClosedRange<Float>

  /// The adapter for `network`, whose inputs lie in `inputBounds` (0...255 for photos).
  public init(network: Network, inputBounds: ClosedRange<Float> = 0...255) {
    self.network = network
    self.inputBounds = inputBounds
  }

  /// The first output, `[N, D]`.
  public func outputs(for images: Tensor) -> Tensor { network(images)[0] }

  /// The first output and the pullback from its gradient to the input's.
  public func outputsWithPullback(for images: Tensor) -> (
    outputs: Tensor, pullback: (Tensor) -> Tensor
  ) {
    let (outputs, pullback) = network.valueWithPullback(at: images, scope: .input)
    let others = [Tensor?](repeating: nil, count: outputs.count - 1)
    return (outputs[0], { gradient in pullback([gradient] + others).input })
  }
}
