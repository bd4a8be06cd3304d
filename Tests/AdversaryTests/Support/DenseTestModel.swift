import Adversary
import FaceTensor
import FaceTestSupport

/// A model with a closed form for tests.
///
/// `z = act(W · vec(x) · scale + b)`, `W` `[D, P]`, with
/// `act` the identity (a linear/logistic classifier) or tanh (a small embedding). Computed in
/// `Double`. Records the range of every input it is given, so tests can check that no attack ever
/// queries it outside the bounds.
struct DenseTestModel: AttackableModel {
  let weights: [Double]
  let bias: [Double]
  let outputCount: Int
  let pixelCount: Int
  let scale: Double
  let usesTanh: Bool
  let log = ForwardLog()

  var inputBounds: ClosedRange<Float> { 0...255 }

  func outputs(for images: Tensor) -> Tensor {
    forward(images).outputs
  }

  func outputsWithPullback(for images: Tensor) -> (outputs: Tensor, pullback: (Tensor) -> Tensor) {
    let (outputs, activations) = forward(images)
    let (n, d, p, scale, weights, usesTanh) = (
      images.shape[0], outputCount, pixelCount, scale, weights, usesTanh
    )
    let shape = images.shape
    return (
      outputs,
      { dOutputs in
        var dImages = [Float](repeating: 0, count: n * p)
        for i in 0..<n {
          for k in 0..<d {
            var dz = Double(dOutputs.scalars[i * d + k])
            if usesTanh { dz *= 1 - activations[i * d + k] * activations[i * d + k] }
            guard dz != 0 else { continue }
            for j in 0..<p { dImages[i * p + j] += Float(dz * weights[k * p + j] * scale) }
          }
        }
        return Tensor(shape: shape, scalars: dImages)
      }
    )
  }

  private func forward(_ images: Tensor) -> (outputs: Tensor, activations: [Double]) {
    let n = images.shape[0]
    precondition(images.count == n * pixelCount, "[DenseTestModel] images \(images.shape)")
    log.record(images)
    var values = [Double](repeating: 0, count: n * outputCount)
    let x = images.scalars
    for i in 0..<n {
      for k in 0..<outputCount {
        var total = 0.0
        for j in 0..<pixelCount {
          total += weights[k * pixelCount + j] * Double(x[i * pixelCount + j])
        }
        let z = total * scale + bias[k]
        values[i * outputCount + k] = usesTanh ? tanh(z) : z
      }
    }
    return (Tensor(shape: [n, outputCount], scalars: values.map { Float($0) }), values)
  }
}

/// The smallest and largest input value a model has been given, and the number of forward calls.
final class ForwardLog: @unchecked Sendable {
  private(set) var lowest = Float.infinity
  private(set) var highest = -Float.infinity
  private(set) var calls = 0

  func record(_ images: Tensor) {
    calls += 1
    for v in images.scalars {
      lowest = min(lowest, v.isNaN ? -.infinity : v)
      highest = max(highest, v.isNaN ? .infinity : v)
    }
  }
}

extension DenseTestModel {
  /// A random linear classifier over images of `pixelCount` values with `classes` outputs whose
  /// logits stay within a few units for pixels in 0...255.
  static func linearClassifier(classes: Int, pixelCount: Int, generator: inout SplitMix64)
    -> DenseTestModel
  {
    DenseTestModel(
      weights: (0..<(classes * pixelCount)).map { _ in Double(generator.uniform()) },
      bias: (0..<classes).map { _ in Double(generator.uniform()) },
      outputCount: classes, pixelCount: pixelCount,
      scale: 16 / (255 * Double(pixelCount).squareRoot()), usesTanh: false)
  }

  /// A random tanh embedding with `dimensions` outputs.
  static func embedding(dimensions: Int, pixelCount: Int, generator: inout SplitMix64)
    -> DenseTestModel
  {
    DenseTestModel(
      weights: (0..<(dimensions * pixelCount)).map { _ in Double(generator.uniform()) },
      bias: (0..<dimensions).map { _ in Double(generator.uniform(-0.2...0.2)) },
      outputCount: dimensions, pixelCount: pixelCount,
      scale: 4 / (255 * Double(pixelCount).squareRoot()), usesTanh: true)
  }
}

/// Random whole-level images `[n, h, w, c]` in 0...255, with a few pixels at 0 and 255 so that
/// clipping at the bounds is exercised.
func randomImages(_ shape: [Int], generator: inout SplitMix64) -> Tensor {
  let count = shape.reduce(1, *)
  var values = (0..<count).map { _ in Float(generator.next() % 256) }
  for i in stride(from: 0, to: count, by: 7) { values[i] = i % 2 == 0 ? 0 : 255 }
  return Tensor(shape: shape, scalars: values)
}

/// The bit patterns of a tensor's values, for bit-for-bit comparisons.
func bitPatterns(_ tensor: Tensor) -> [UInt32] { tensor.scalars.map(\.bitPattern) }

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
