import FaceTensor

/// A per-sample scalar loss of a model's outputs that an attack **minimises**, with its gradient
/// with respect to those outputs (the seed of the model's vector-Jacobian product).
///
/// Losses are signed so that lower is more adversarial: an untargeted cross-entropy attack
/// minimises `−CE`, a dodging attack `−distance`. Each image of the attacked batch keeps its own
/// reference (label or descriptor), addressed by its index `sample` in that batch, so an attack can
/// evaluate any subset of the batch.
public protocol AttackObjective: Sendable {
  /// The loss of image `sample` whose model output is `output` (`D` values: logits or a
  /// descriptor); when `gradient` is not nil, writes `∂loss/∂output` (`D` values) into it.
  func loss(
    sample: Int, output: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>?
  ) -> Float
}

extension AttackObjective {
  /// The losses `[k]` and their gradient `[k, D]` for outputs `[k, D]` of the images `samples`
  /// (default: `0..<k`).
  /// - Precondition: `outputs` has rank 2 and `samples.count == k`.
  public func lossesAndGradient(outputs: Tensor, samples: [Int]? = nil) -> (
    losses: [Float], gradient: Tensor
  ) {
    var gradient = Tensor(zeros: outputs.shape)
    let losses = evaluate(outputs: outputs, samples: samples, gradient: &gradient)
    return (losses, gradient)
  }

  /// The losses `[k]` for outputs `[k, D]` of the images `samples` (default: `0..<k`).
  /// - Precondition: `outputs` has rank 2 and `samples.count == k`.
  public func losses(outputs: Tensor, samples: [Int]? = nil) -> [Float] {
    let (rows, width) = Self.rowsAndWidth(of: outputs, samples: samples)
    return outputs.withUnsafeBufferPointer { values in
      (0..<rows).map { k in
        let row = UnsafeBufferPointer(rebasing: values[(k * width)..<((k + 1) * width)])
        return loss(sample: samples?[k] ?? k, output: row, gradient: nil)
      }
    }
  }

  /// The losses of `outputs` `[k, D]`, writing their gradient into `gradient` (same shape).
  func evaluate(outputs: Tensor, samples: [Int]?, gradient: inout Tensor) -> [Float] {
    let (rows, width) = Self.rowsAndWidth(of: outputs, samples: samples)
    precondition(gradient.shape == outputs.shape, "[objective] gradient shape differs from outputs")
    return outputs.withUnsafeBufferPointer { values in
      gradient.withUnsafeMutableBufferPointer { dOutputs in
        (0..<rows).map { k in
          let range = (k * width)..<((k + 1) * width)
          return loss(
            sample: samples?[k] ?? k, output: UnsafeBufferPointer(rebasing: values[range]),
            gradient: UnsafeMutableBufferPointer(rebasing: dOutputs[range]))
        }
      }
    }
  }

  private static func rowsAndWidth(of outputs: Tensor, samples: [Int]?) -> (Int, Int) {
    precondition(outputs.rank == 2, "[objective] outputs must be [k, D], got \(outputs.shape)")
    precondition(
      samples == nil || samples?.count == outputs.shape[0],
      "[objective] \(samples?.count ?? 0) sample indices for \(outputs.shape[0]) output rows")
    return (outputs.shape[0], outputs.shape[1])
  }
}
