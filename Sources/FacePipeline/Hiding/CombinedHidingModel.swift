import Adversary
import FaceTensor

/// Several detectors' hiding models as one, so that one attack hides a face from all of them:
/// their score margins side by side, each in units of its own margin.
///
/// Each part is a model whose outputs are score margins in its detector's units
/// (`DlibCNNHidingModel`'s scores, `MTCNNHidingModel`'s probabilities minus the stage thresholds)
/// with the margin it must reach (`FaceDetectorKind.defaultHidingMargin`). Part `d`'s `K_d`
/// margins are divided by its margin `μ_d`, so that `goal` (`.hiding(margin: 1)`) asks every
/// detector for its own margin and weighs a hinge on any detector alike; with every margin 0 the
/// margins are kept as they are and `goal` is `.hiding(margin: 0)`.
///
/// ```swift
/// let both = CombinedHidingModel([(cnnModel, margin: 0.5), (mtcnnModel, margin: 0.1)])
/// let result = try PGD().run(on: both, images: photo, goal: both.goal)
/// ```
///
/// Inputs are what every part takes (whole photos `[N, H, W, 3]`, RGB 0...255); outputs
/// `[N, Σ K_d]`, the parts' outputs in order.
public struct CombinedHidingModel: AttackableModel {
  /// The parts and their margins, in output order.
  public let parts: [(model: any AttackableModel, margin: Float)]

  /// The parts with their margins, in their detectors' units.
  /// - Precondition: at least one part; every margin finite, and all positive or all 0; every
  ///   part with the same input bounds.
  public init(_ parts: [(model: any AttackableModel, margin: Float)]) {
    precondition(!parts.isEmpty, "[CombinedHidingModel] no part")
    let margins = parts.map(\.margin)
    precondition(
      margins.allSatisfy { $0.isFinite && $0 > 0 } || margins.allSatisfy { $0 == 0 },
      "[CombinedHidingModel] margins \(margins): all positive or all 0")
    precondition(
      parts.allSatisfy { $0.model.inputBounds == parts[0].model.inputBounds },
      "[CombinedHidingModel] parts with different input bounds")
    self.parts = parts
  }

  /// The goal to attack the combination with: every part below its own margin.
  public var goal: AttackGoal { .hiding(margin: parts[0].margin > 0 ? 1 : 0) }

  /// The parts' input bounds.
  public var inputBounds: ClosedRange<Float> { parts[0].model.inputBounds }

  /// The parts' margins side by side `[N, Σ K_d]`, each divided by its part's margin.
  public func outputs(for images: Tensor) -> Tensor {
    concatenated(parts.map { $0.model.outputs(for: images) })
  }

  /// The outputs `[N, Σ K_d]` and the pullback to the images: the sum of the parts' pullbacks of
  /// their columns.
  public func outputsWithPullback(for images: Tensor) -> (
    outputs: Tensor, pullback: (Tensor) -> Tensor
  ) {
    let computed = parts.map { $0.model.outputsWithPullback(for: images) }
    let widths = computed.map { $0.outputs.shape[1] }
    let scales = self.scales
    return (
      concatenated(computed.map(\.outputs)),
      { dOutputs in
        let (n, total, dRows) = (dOutputs.shape[0], widths.reduce(0, +), dOutputs.scalars)
        var dImages: Tensor?
        var start = 0
        for (d, part) in computed.enumerated() {
          let width = widths[d]
          var dPart = [Float](repeating: 0, count: n * width)
          for i in 0..<n {
            for j in 0..<width {
              dPart[i * width + j] = dRows[i * total + start + j] * scales[d]
            }
          }
          let dPartImages = part.pullback(Tensor(shape: [n, width], scalars: dPart))
          if dImages == nil {
            dImages = dPartImages
          } else {
            dImages?.add(dPartImages, scaledBy: 1)
          }
          start += width
        }
        return dImages ?? Tensor(zeros: images.shape)
      }
    )
  }

  /// What each part's margins are multiplied by: `1 / μ_d`, or 1 when every margin is 0.
  private var scales: [Float] { parts.map { $0.margin > 0 ? 1 / $0.margin : 1 } }

  /// The parts' outputs `[N, K_d]`, scaled and side by side.
  private func concatenated(_ outputs: [Tensor]) -> Tensor {
    let n = outputs[0].shape[0]
    precondition(
      outputs.allSatisfy { $0.rank == 2 && $0.shape[0] == n },
      "[CombinedHidingModel] parts' outputs \(outputs.map(\.shape))")
    let scales = self.scales
    var values: [Float] = []
    for i in 0..<n {
      for (d, part) in outputs.enumerated() {
        let width = part.shape[1]
        values += part.scalars[(i * width)..<((i + 1) * width)].map { $0 * scales[d] }
      }
    }
    return Tensor(shape: [n, outputs.reduce(0) { $0 + $1.shape[1] }], scalars: values)
  }
}
