import Adversary
import FaceNets
import FaceTensor

/// A VGGFace classifier as a model an attack can query.
///
/// RGB face crops `[N, 224, 224, 3]` in 0...255 go to class logits `[N, classCount]` (before
/// the softmax), with the gradient back to the crops' pixels. The mean subtraction and channel
/// swap are inside the model.
public struct VGGFaceAttackModel: AttackableModel, Sendable {
  /// The classifier.
  public let model: VGGFaceModel

  /// The adapter for `model`.
  /// - Precondition: the model has a classifier (not a notop feature extractor).
  public init(model: VGGFaceModel) {
    precondition(model.classCount != nil, "[VGGFaceAttackModel] the model has no classifier")
    self.model = model
  }

  /// Pixels are 8-bit levels.
  public var inputBounds: ClosedRange<Float> { 0...255 }

  /// Logits `[N, classCount]`.
  public func outputs(for images: Tensor) -> Tensor { model.logits(for: images) }

  /// Logits and the pullback to the crops' pixels.
  public func outputsWithPullback(for images: Tensor) -> (
    outputs: Tensor, pullback: (Tensor) -> Tensor
  ) {
    let (logits, pullback) = model.logitsWithPullback(for: images)
    return (logits, pullback)
  }
}
