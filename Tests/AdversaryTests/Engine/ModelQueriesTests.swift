import FaceTensor
import FaceTestSupport
import Testing

@testable import Adversary

@Suite struct ModelQueriesTests {
  /// Three images `[3, 4, 5, 3]` and a linear classifier with three classes.
  static func setting() throws -> (DenseTestModel, AttackInputs) {
    var generator = SplitMix64(seed: 19)
    let model = DenseTestModel.linearClassifier(classes: 3, pixelCount: 60, generator: &generator)
    let images = randomImages([3, 4, 5, 3], generator: &generator)
    return (model, try AttackInputs(images: images, bounds: model.inputBounds, mask: nil))
  }

  /// The untargeted cross-entropy's output gradient for images 0 and 2.
  static func outputGradient(_ outputs: Tensor) -> Tensor {
    CrossEntropyObjective(labels: [0, 1, 2], targeted: false)
      .lossesAndGradient(outputs: outputs, samples: [0, 2]).gradient
  }

  @Test func eotBackwardIsTheMeanOfTheDrawsPullbacks() throws {
    let (base, inputs) = try ModelQueriesTests.setting()
    let model = RandomGainModel(base: base, expectationSamples: 4)
    let queries = ModelQueries(model: model, inputs: inputs)
    var buffer = Tensor(zeros: [0])
    let (outputs, backward) = queries.outputsWithBackward(
      of: inputs.original, samples: [0, 2], buffer: &buffer, drawSeed: 99)
    let subset = inputs.gather(inputs.original, samples: [0, 2], into: &buffer)
    // The outputs are the deterministic ones, and no draw runs before the backward pass.
    #expect(outputs == base.outputs(for: subset))
    #expect(model.draws.seeds.isEmpty)

    var seen: [Tensor] = []
    let dImages = backward { outputs in
      seen.append(outputs)
      return ModelQueriesTests.outputGradient(outputs)
    }

    var seeds = SplitMix64(seed: 99)
    let drawSeeds = (0..<4).map { _ in seeds.next() }
    #expect(model.draws.seeds == drawSeeds)
    var mean = [Double](repeating: 0, count: subset.count)
    for (d, seed) in drawSeeds.enumerated() {
      let (drawOutputs, pullback) = model.outputsWithPullback(for: subset, drawSeed: seed)
      // Each draw's pullback is seeded by the objective's gradient at that draw's outputs.
      #expect(seen[d] == drawOutputs)
      let g = pullback(ModelQueriesTests.outputGradient(drawOutputs))
      for j in mean.indices { mean[j] += Double(g.scalars[j]) / 4 }
    }
    #expect(seen.count == 4)
    #expect(seen.allSatisfy { $0 != outputs })
    #expect(dImages.shape == [2, 4, 5, 3])
    let scale = mean.map(abs).max() ?? 0
    let worst = zip(dImages.scalars, mean).map { abs(Double($0) - $1) }.max() ?? 0
    #expect(scale > 0)
    #expect(worst <= 1e-6 * scale, "worst difference \(worst) against the mean's scale \(scale)")
  }

  @Test func plainBackwardIsThePullbackAtTheOutputs() throws {
    let (model, inputs) = try ModelQueriesTests.setting()
    let queries = ModelQueries(model: model, inputs: inputs)
    var buffer = Tensor(zeros: [0])
    let (outputs, backward) = queries.outputsWithBackward(
      of: inputs.original, samples: [0, 2], buffer: &buffer, drawSeed: 99)
    var calls = 0
    let dImages = backward { outputs in
      calls += 1
      return ModelQueriesTests.outputGradient(outputs)
    }
    let subset = inputs.gather(inputs.original, samples: [0, 2], into: &buffer)
    let (expectedOutputs, pullback) = model.outputsWithPullback(for: subset)
    #expect(outputs == expectedOutputs)
    #expect(calls == 1)
    #expect(dImages == pullback(ModelQueriesTests.outputGradient(expectedOutputs)))
  }

  @Test func oneDrawUsesThePlainPullback() throws {
    let (base, inputs) = try ModelQueriesTests.setting()
    let model = RandomGainModel(base: base, expectationSamples: 1)
    var buffer = Tensor(zeros: [0])
    let (_, backward) = ModelQueries(model: model, inputs: inputs).outputsWithBackward(
      of: inputs.original, samples: [0, 1, 2], buffer: &buffer, drawSeed: 99)
    let (outputs, pullback) = base.outputsWithPullback(for: inputs.original)
    let gradient = {
      CrossEntropyObjective(labels: [0, 1, 2], targeted: false)
        .lossesAndGradient(outputs: $0).gradient
    }
    #expect(backward(gradient) == pullback(gradient(outputs)))
    #expect(model.draws.seeds.isEmpty)
  }
}
