// toy-attack: bring your own model to Adversary, then attack it with FGSM and PGD.
//
// The model is a hand-written linear classifier over tiny 4x4 RGB images. To be attacked it
// conforms to `AttackableModel`: its input bounds, its forward pass, and the vector-Jacobian
// product from the outputs back to the pixels. Adversary re-exports FaceTensor, so this one
// import also brings `Tensor` and `SplitMix64`.
//
// Run: swift run -c release toy-attack

import Adversary

/// Logits `z = W · (x / 255 − 0.5) + b` of a batch of images `[N, 4, 4, 3]` in pixel levels
/// 0...255, with `x` each image flattened to 48 values and `W` `[K, 48]`: K classes.
struct LinearClassifier: AttackableModel {
  /// `W` `[K, 48]`, row-major.
  let weights: [Float]
  /// `b` `[K]`.
  let bias: [Float]
  /// Values per image: 4 x 4 pixels x 3 channels.
  let pixels = 4 * 4 * 3

  var classes: Int { bias.count }

  var inputBounds: ClosedRange<Float> { 0...255 }

  /// Logits `[N, K]` for images `[N, 4, 4, 3]`.
  func outputs(for images: Tensor) -> Tensor {
    let (n, x) = (images.shape[0], images.scalars)
    var z = [Float](repeating: 0, count: n * classes)  // [N, K]
    for i in 0..<n {
      for k in 0..<classes {
        var sum = bias[k]
        for j in 0..<pixels { sum += weights[k * pixels + j] * (x[i * pixels + j] / 255 - 0.5) }
        z[i * classes + k] = sum
      }
    }
    return Tensor(shape: [n, classes], scalars: z)
  }

  /// Logits `[N, K]` and the pullback `∂L/∂z ↦ ∂L/∂x = ∂L/∂z · W / 255`.
  ///
  /// The pullback maps `[N, K]` to `[N, 4, 4, 3]`; the model is linear, so it needs nothing
  /// from the forward pass.
  func outputsWithPullback(for images: Tensor) -> (outputs: Tensor, pullback: (Tensor) -> Tensor) {
    let (shape, n) = (images.shape, images.shape[0])
    let pullback = { (dz: Tensor) -> Tensor in
      var dx = [Float](repeating: 0, count: n * pixels)  // [N, 48]
      for i in 0..<n {
        for k in 0..<classes {
          let g = dz.scalars[i * classes + k] / 255
          for j in 0..<pixels { dx[i * pixels + j] += g * weights[k * pixels + j] }
        }
      }
      return Tensor(shape: shape, scalars: dx)
    }
    return (outputs(for: images), pullback)
  }
}

// A fixed model and batch: every random draw comes from one seeded generator.
var generator = SplitMix64(seed: 7)
let model = LinearClassifier(
  weights: (0..<3 * 48).map { _ in generator.uniform(-1...1) }, bias: [0, 0, 0])
let images = Tensor(
  shape: [4, 4, 4, 3], scalars: (0..<4 * 48).map { _ in Float(generator.next() % 256) })

/// Prints, per image, the class before and after, whether the attack succeeded on the image
/// rounded to 8 bits (what a saved PNG holds), and the perturbation's norms in pixel levels.
func show(_ name: String, _ result: AttackResult) {
  print("\(name): \(result.rounded.successes.filter { $0 }.count) of 4 images misclassified")
  let clean = model.outputs(for: images).scalars
  for (i, sample) in result.rounded.samples.enumerated() {
    let before = (0..<3).max { clean[i * 3 + $0] < clean[i * 3 + $1] } ?? 0
    let after = sample.topClasses.first?.label ?? before
    let metrics = sample.metrics
    print(
      "  image \(i): class \(before) -> \(after)  success \(sample.success)"
        + "  Linf \(metrics.lInfinity)  L2 \((metrics.l2 * 10).rounded() / 10)")
  }
}

// Untargeted: push each image away from its clean top-1 class, within ε = 8 levels (8/255) in
// L∞. FGSM takes one step of ε; PGD takes up to 20 steps of ε/4, each projected back into the
// ε-ball and 0...255, and stops an image early once it is misclassified.
do {
  show("FGSM", try FGSM(epsilon: 8).run(on: model, images: images, goal: .untargeted()))
  show("PGD", try PGD(epsilon: 8, steps: 20).run(on: model, images: images, goal: .untargeted()))
} catch {
  // Attacks throw `AttackError` for invalid hyper-parameters or images: a programmer error here,
  // as both are fixed above.
  fatalError("toy-attack: \(error)")
}
