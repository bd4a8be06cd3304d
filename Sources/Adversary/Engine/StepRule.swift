/// How an iterative attack moves one image against the gradient of the loss it minimises.
///
/// `gradient` is `∂loss/∂x` for image `sample` (`P` values) with masked-out values already zeroed;
/// a rule may overwrite it. The caller projects the image onto the constraints afterwards.
protocol StepRule {
  mutating func step(
    sample: Int, image: UnsafeMutableBufferPointer<Float>,
    gradient: UnsafeMutableBufferPointer<Float>)
}

/// The steepest-descent step of the norm (FGSM, BIM, PGD): `x −= α · sign(g)` for L∞,
/// `x −= α · g / ‖g‖₂` for L2 (no move where `g = 0`).
struct SteepestDescentStep: StepRule {
  /// α, in pixel levels.
  let stepSize: Float
  let norm: PerturbationNorm

  mutating func step(
    sample: Int, image: UnsafeMutableBufferPointer<Float>,
    gradient: UnsafeMutableBufferPointer<Float>
  ) {
    SteepestDescentStep.move(image, along: UnsafeBufferPointer(gradient), by: stepSize, norm: norm)
  }

  /// `image −= α · sign(direction)` (L∞) or `α · direction / ‖direction‖₂` (L2).
  static func move(
    _ image: UnsafeMutableBufferPointer<Float>, along direction: UnsafeBufferPointer<Float>,
    by stepSize: Float, norm: PerturbationNorm
  ) {
    switch norm {
    case .lInfinity:
      for i in image.indices where direction[i] != 0 {
        image[i] -= direction[i] > 0 ? stepSize : -stepSize
      }
    case .l2:
      var squared = 0.0
      for g in direction { squared += Double(g) * Double(g) }
      guard squared > 0 else { return }
      let scale = Float(Double(stepSize) / squared.squareRoot())
      for i in image.indices { image[i] -= scale * direction[i] }
    }
  }
}

/// The MI-FGSM step (Dong and others 2018).
///
/// A velocity accumulates L1-normalised gradients,
/// `v ← μ·v + g / ‖g‖₁`, and the image takes the steepest-descent step of the norm along `v`.
struct MomentumStep: StepRule {
  let stepSize: Float
  let norm: PerturbationNorm
  /// μ, the decay of the velocity.
  let momentum: Float
  /// Per image, `P` values; zero at the start of each run.
  private var velocity: [Float]
  private let pixelsPerImage: Int

  init(stepSize: Float, norm: PerturbationNorm, momentum: Float, images: Int, pixelsPerImage: Int) {
    self.stepSize = stepSize
    self.norm = norm
    self.momentum = momentum
    self.pixelsPerImage = pixelsPerImage
    velocity = [Float](repeating: 0, count: images * pixelsPerImage)
  }

  mutating func step(
    sample: Int, image: UnsafeMutableBufferPointer<Float>,
    gradient: UnsafeMutableBufferPointer<Float>
  ) {
    var l1 = 0.0
    for g in gradient { l1 += Double(abs(g)) }
    let scale = l1 > 0 ? Float(1 / l1) : 0
    let (stepSize, norm, momentum, offset) = (stepSize, norm, momentum, sample * pixelsPerImage)
    velocity.withUnsafeMutableBufferPointer { all in
      let v = UnsafeMutableBufferPointer(rebasing: all[offset..<(offset + image.count)])
      for i in v.indices { v[i] = momentum * v[i] + scale * gradient[i] }
      SteepestDescentStep.move(image, along: UnsafeBufferPointer(v), by: stepSize, norm: norm)
    }
  }
}

/// Adam (Kingma and Ba 2015) on the perturbation.
///
/// Followed by the projection, this is the seed write-up's optimiser-driven attack, with the ball, bounds and mask enforced after every step.
/// `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `x −= lr · m̂ / (√v̂ + ε̂)` with bias-corrected
/// `m̂ = m / (1−β₁ᵗ)`, `v̂ = v / (1−β₂ᵗ)`. The first step moves each value by about `lr`.
struct AdamStep: StepRule {
  /// lr, in pixel levels.
  let learningRate: Float
  let beta1: Float
  let beta2: Float
  let epsilon: Float
  private var firstMoment: [Float]
  private var secondMoment: [Float]
  /// Steps taken by each image (its own t: images stop at different steps).
  private var stepCounts: [Int]
  private let pixelsPerImage: Int

  init(
    learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, images: Int,
    pixelsPerImage: Int
  ) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.pixelsPerImage = pixelsPerImage
    firstMoment = [Float](repeating: 0, count: images * pixelsPerImage)
    secondMoment = firstMoment
    stepCounts = [Int](repeating: 0, count: images)
  }

  mutating func step(
    sample: Int, image: UnsafeMutableBufferPointer<Float>,
    gradient: UnsafeMutableBufferPointer<Float>
  ) {
    stepCounts[sample] += 1
    let t = Float(stepCounts[sample])
    let (beta1, beta2, epsilon) = (self.beta1, self.beta2, self.epsilon)
    let correction1 = 1 - pow(beta1, t)
    let correction2 = 1 - pow(beta2, t)
    let learningRate = self.learningRate
    let offset = sample * pixelsPerImage
    firstMoment.withUnsafeMutableBufferPointer { mAll in
      secondMoment.withUnsafeMutableBufferPointer { vAll in
        for i in image.indices {
          let g = gradient[i]
          let m = beta1 * mAll[offset + i] + (1 - beta1) * g
          let v = beta2 * vAll[offset + i] + (1 - beta2) * g * g
          mAll[offset + i] = m
          vAll[offset + i] = v
          image[i] -= learningRate * (m / correction1) / ((v / correction2).squareRoot() + epsilon)
        }
      }
    }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
