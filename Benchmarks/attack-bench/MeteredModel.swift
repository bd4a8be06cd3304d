import Adversary
import FaceTensor
import FaceTestSupport

/// The calls of one kind an attack made to its model, in order.
struct ModelMeter {
  /// One call: the images passed and the seconds spent in the model (with the pullback, for a
  /// call that has one), on `AttackBench.now()`'s clock.
  struct Call {
    /// When the call began.
    let start: Double
    let images: Int
    var seconds: Double
  }

  var calls: [Call] = []
  /// Images passed, summed over the calls.
  var images: Int { calls.reduce(0) { $0 + $1.images } }
  /// Milliseconds inside the model, summed over the calls.
  var milliseconds: Double { calls.reduce(0) { $0 + $1.seconds } * 1000 }
}

/// An `AttackableModel` that forwards every query to `base` and records where an attack's time
/// goes: forward-only passes (the clean outputs, the 8-bit re-checks, the final evaluation) and
/// the forward + input-gradient passes of the steps, each with its start.
///
/// Recording costs two clock reads per call. It is a class so that the record survives the
/// attack's copies of the model; it is used from one thread.
final class MeteredModel<Base: AttackableModel>: AttackableModel {
  let base: Base
  /// `outputs(for:)` calls.
  private(set) var forwardOnly = ModelMeter()
  /// `outputsWithPullback(for:)` calls with their pullbacks.
  private(set) var withPullback = ModelMeter()

  init(_ base: Base) { self.base = base }

  /// Forgets everything recorded.
  func reset() {
    forwardOnly = ModelMeter()
    withPullback = ModelMeter()
  }

  var inputBounds: ClosedRange<Float> { base.inputBounds }

  func outputs(for images: Tensor) -> Tensor {
    let start = AttackBench.now()
    let outputs = base.outputs(for: images)
    forwardOnly.calls.append(
      .init(start: start, images: images.shape[0], seconds: AttackBench.now() - start))
    return outputs
  }

  func outputsWithPullback(for images: Tensor) -> (outputs: Tensor, pullback: (Tensor) -> Tensor) {
    let start = AttackBench.now()
    let (outputs, pullback) = base.outputsWithPullback(for: images)
    withPullback.calls.append(
      .init(start: start, images: images.shape[0], seconds: AttackBench.now() - start))
    let call = withPullback.calls.count - 1
    return (
      outputs,
      { [self] gradient in
        let start = AttackBench.now()
        let dImages = pullback(gradient)
        withPullback.calls[call].seconds += AttackBench.now() - start
        return dImages
      }
    )
  }
}
