import FaceNets
import FaceTensor
import FaceTestSupport
import Foundation
import Testing

/// conv-bn-relu-conv-bn + skip, relu, ceil max pool, flatten, dense: `[2, 7, 7, 3]` → `[2, 5]`.
private func smallResidualNetwork(seed: UInt64) -> Network {
  var g = SplitMix64(seed: seed)
  func batchNorm() -> BatchNorm {
    BatchNorm(
      gamma: g.uniformTensor([4], in: 0.5...1.5), beta: g.uniformTensor([4], in: -0.2...0.2),
      movingMean: g.uniformTensor([4], in: -0.2...0.2),
      movingVariance: g.uniformTensor([4], in: 0.5...1.5),
      epsilon: 1e-3)
  }
  var b = NetworkBuilder()
  let stem = b.add(
    Conv2D(
      kernel: g.uniformTensor([3, 3, 3, 4], in: -0.5...0.5),
      bias: g.uniformTensor([4], in: -0.1...0.1), padding: .same),
    named: "stem", from: b.input)
  let convA = b.add(
    Conv2D(
      kernel: g.uniformTensor([3, 3, 4, 4], in: -0.4...0.4),
      bias: g.uniformTensor([4], in: -0.1...0.1), padding: .same),
    named: "conv_a", from: stem)
  let bnA = b.add(batchNorm(), named: "bn_a", from: convA)
  let reluA = b.add(ReLU(), named: "relu_a", from: bnA)
  let convB = b.add(
    Conv2D(
      kernel: g.uniformTensor([3, 3, 4, 4], in: -0.4...0.4), bias: nil, strides: (1, 1),
      padding: .same),
    named: "conv_b", from: reluA)
  let bnB = b.add(batchNorm(), named: "bn_b", from: convB)
  let sum = b.add(Add(), named: "add", from: [bnB, stem])
  let relu = b.add(ReLU(), named: "relu", from: sum)
  let pool = b.add(
    MaxPool2D(window: (2, 2), padding: .valid, rounding: .ceil), named: "pool", from: relu)
  let flat = b.add(Flatten(), named: "flatten", from: pool)
  let dense = b.add(
    Dense(kernel: g.uniformTensor([64, 5], in: -0.3...0.3), bias: g.uniformTensor([5])),
    named: "dense", from: flat)
  return b.build(outputs: [dense])
}

/// Whole-network gradient checks.
///
/// A perturbation of ±ε flips ReLU units and max-pool winners for a sizeable fraction of the
/// elements: one input pixel reaches about a hundred units through two 3x3 convolutions, and the
/// ReLU before the max pool leaves windows tied at 0; a bias or kernel element reaches every unit.
/// The checker skips elements whose one-sided differences disagree and checks the rest at 1e-2.
/// The loss is a Float32 network output whose rounding divided by 2ε is noise in every numeric
/// derivative; the rounding reaches about 1e-6, as a perturbation changes the rounding of every
/// later layer. Input: ε = 1e-2 (noise 5e-5, denominator floor 1e-2), about a fifth of the elements
/// skipped, at most 35% allowed. Parameters: ε = 2e-3 (noise 2.5e-4, hence a denominator floor of
/// 5e-2 for gradients of order 0.1-1) keeps kinks rare (at most a fifth allowed). At ε = 1e-3 the
/// noise alone failed conv_a's kernel and made a bn_b gamma element's one-sided differences
/// disagree as at a kink; at 1e-2 kinks skip more than a fifth of 4-element biases and betas.
/// Negative controls: a ReLU backward 3% too large fails the input check, and every parameter's
/// gradient 3% too large fails its check.
@Suite struct NetworkGradientTests {
  @Test func residualNetworkInputGradientMatchesFiniteDifferences() {
    let network = smallResidualNetwork(seed: 1)
    var g = SplitMix64(seed: 2)
    let x = g.uniformTensor([2, 7, 7, 3])
    let (outputs, pullback) = network.valueWithPullback(at: x, scope: .input)
    // The loss is a fixed random linear function of the output.
    let dy = g.uniformTensor(outputs[0].shape)
    let (dx, parameters) = pullback([dy])
    #expect(parameters == nil)
    let report = checkGradient(
      "network input", of: { network($0)[0] }, at: x, upstream: dy, analytic: dx,
      denominatorFloor: 1e-2, skippingKinks: true, maximumKinkFraction: 0.35, generator: &g)
    #expect(report.passes, "\(report)")
  }

  @Test func residualNetworkParameterGradientsMatchFiniteDifferences() throws {
    let network = smallResidualNetwork(seed: 3)
    var g = SplitMix64(seed: 4)
    let x = g.uniformTensor([2, 7, 7, 3])
    let (outputs, pullback) = network.valueWithPullback(at: x, scope: .inputAndParameters)
    let dy = g.uniformTensor(outputs[0].shape)
    let gradients = try #require(pullback([dy]).parameters)
    let stem = try #require(gradients.gradient(ofLayer: "stem", as: Conv2D.self))
    let convA = try #require(gradients.gradient(ofLayer: "conv_a", as: Conv2D.self))
    let bnA = try #require(gradients.gradient(ofLayer: "bn_a", as: BatchNorm.self))
    let convB = try #require(gradients.gradient(ofLayer: "conv_b", as: Conv2D.self))
    let bnB = try #require(gradients.gradient(ofLayer: "bn_b", as: BatchNorm.self))
    let dense = try #require(gradients.gradient(ofLayer: "dense", as: Dense.self))
    #expect(convB.bias == nil)
    // The typed gradients by the parameters' addresses in `parameterList`.
    let analytic: [String: Tensor?] = [
      "stem/kernel": stem.kernel, "stem/bias": stem.bias, "conv_a/kernel": convA.kernel,
      "conv_a/bias": convA.bias, "bn_a/gamma": bnA.gamma, "bn_a/beta": bnA.beta,
      "conv_b/kernel": convB.kernel, "bn_b/gamma": bnB.gamma, "bn_b/beta": bnB.beta,
      "dense/kernel": dense.kernel, "dense/bias": dense.bias,
    ]
    var checked = 0
    for p in network.parameterList where !p.name.hasPrefix("moving") {
      let label = "\(p.layer)/\(p.name)"
      let gradient = try #require(analytic[label] ?? nil, "no gradient for \(p)")
      let value = try #require(network.parameters(ofLayer: p.layer)?[p.name])
      let output = { (v: Tensor) -> Tensor in
        var probe = network
        do { try probe.setParameter(layer: p.layer, name: p.name, to: v) } catch {
          Issue.record("\(error)")
        }
        return probe(x)[0]
      }
      var controlGenerator = g
      let report = checkGradient(
        label, of: output, at: value, upstream: dy, analytic: gradient, epsilon: 2e-3,
        denominatorFloor: 5e-2, skippingKinks: true, maximumKinkFraction: 0.2, generator: &g)
      #expect(report.passes, "\(report)")
      let control = checkGradient(
        "\(label) 3% too large", of: output, at: value, upstream: dy, analytic: gradient * 1.03,
        epsilon: 2e-3, denominatorFloor: 5e-2, skippingKinks: true, maximumKinkFraction: 0.2,
        generator: &controlGenerator)
      #expect(!control.passes, "\(control)")
      checked += 1
    }
    #expect(checked == analytic.count)
  }

  @Test func parameterGradientsAreReadByLayerNameAndType() throws {
    let network = smallResidualNetwork(seed: 3)
    var g = SplitMix64(seed: 4)
    let x = g.uniformTensor([2, 7, 7, 3])
    let (outputs, pullback) = network.valueWithPullback(at: x, scope: .inputAndParameters)
    let gradients = try #require(pullback([g.uniformTensor(outputs[0].shape)]).parameters)
    let dense = try #require(gradients.gradient(ofLayer: "dense", as: Dense.self))
    #expect(dense.kernel.shape == [64, 5] && dense.bias?.shape == [5])
    // Conv2D's `Gradient` is Dense's too, but "dense" is no Conv2D.
    #expect(gradients.gradient(ofLayer: "dense", as: Conv2D.self) == nil)
    #expect(gradients.gradient(ofLayer: "dense_2", as: Dense.self) == nil)
    #expect(gradients.gradient(ofLayer: "relu", as: ReLU.self) == nil)
  }

  @Test func checkerRejectsTheNetworkWhenOneLayerHasAWrongBackward() {
    var network = smallResidualNetwork(seed: 1)
    var b = NetworkBuilder()
    let wrong = b.add(ReLUWithWrongBackward(), named: "wrong", from: b.input)
    let rest = b.add(NetworkLayer(network: network), named: "rest", from: wrong)
    network = b.build(outputs: [rest])
    var g = SplitMix64(seed: 2)
    let x = g.uniformTensor([2, 7, 7, 3], in: 0.05...1)
    let (outputs, pullback) = network.valueWithPullback(at: x, scope: .input)
    let dy = g.uniformTensor(outputs[0].shape)
    let report = checkGradient(
      "network with a wrong ReLU backward", of: { network($0)[0] }, at: x, upstream: dy,
      analytic: pullback([dy]).input, denominatorFloor: 1e-2, skippingKinks: true,
      maximumKinkFraction: 0.35, generator: &g)
    #expect(!report.passes, "\(report)")
    #expect(Double(report.kinkCount) <= 0.35 * Double(report.checkedCount), "\(report)")
  }

  @Test func multiHeadBackwardTreatsAMissingSeedAsZeroAndSumsHeads() {
    var g = SplitMix64(seed: 5)
    var b = NetworkBuilder()
    let trunk = b.add(
      Conv2D(kernel: g.uniformTensor([3, 3, 2, 3]), bias: nil, padding: .same), named: "trunk",
      from: b.input)
    let act = b.add(Sigmoid(), named: "act", from: trunk)
    let headA = b.add(
      Conv2D(kernel: g.uniformTensor([1, 1, 3, 2]), bias: g.uniformTensor([2])), named: "head_a",
      from: act)
    let pooled = b.add(GlobalAveragePool(), named: "gap", from: act)
    let headB = b.add(
      Dense(kernel: g.uniformTensor([3, 4]), bias: nil), named: "head_b", from: pooled)
    let probs = b.add(Softmax(), named: "probs", from: headB)
    let network = b.build(outputs: [headA, probs])
    let x = g.uniformTensor([2, 5, 4, 2])
    let (outputs, pullback) = network.valueWithPullback(at: x, scope: .input)
    let seeds = outputs.map { g.uniformTensor($0.shape) }
    let both = pullback(seeds).input
    let onlyA = pullback([seeds[0], nil]).input
    let onlyB = pullback([nil, seeds[1]]).input
    let sum = onlyA + onlyB
    #expect(compare("heads", both, to: ReferenceTensor(sum), tolerance: 1e-6).passes)
    let report = checkGradient(
      "two heads",
      of: { x in
        let o = network(x)
        return Tensor(shape: [o[0].count + o[1].count], scalars: o[0].scalars + o[1].scalars)
      }, at: x,
      upstream: Tensor(
        shape: [seeds[0].count + seeds[1].count], scalars: seeds[0].scalars + seeds[1].scalars),
      analytic: both, generator: &g)
    #expect(report.passes, "\(report)")
    #expect(pullback([nil, nil]).input == Tensor(zeros: x.shape))
  }

  @Test func fanOutGradientsAreSummed() {
    var b = NetworkBuilder()
    let doubled = b.add(Add(), named: "twice", from: [b.input, b.input])
    let relu = b.add(ReLU(), named: "relu", from: b.input)
    let network = b.build(outputs: [doubled, relu, b.input])
    let x = Tensor(shape: [1, 3], scalars: [-1, 2, 3])
    let (_, pullback) = network.valueWithPullback(at: x, scope: .input)
    let ones = Tensor(repeating: 1, shape: [1, 3])
    #expect(pullback([ones, ones, ones]).input.scalars == [3, 4, 4])
  }
}

@Suite struct NetworkTests {
  @Test func inferenceAndGradientModeGiveTheSameOutputs() {
    // bn feeds two consumers, so its in-place successor must not overwrite it.
    var g = SplitMix64(seed: 6)
    var b = NetworkBuilder()
    let conv = b.add(
      Conv2D(kernel: g.uniformTensor([3, 3, 2, 3]), bias: g.uniformTensor([3]), padding: .same),
      named: "conv", from: b.input)
    let bn = b.add(BatchNorm(channels: 3, epsilon: 1e-3), named: "bn", from: conv)
    let relu = b.add(ReLU(), named: "relu", from: bn)
    let affine = b.add(
      Affine(gamma: g.uniformTensor([3]), beta: g.uniformTensor([3])), named: "affine", from: relu)
    let sum = b.add(Add(), named: "sum", from: [affine, bn])
    let network = b.build(outputs: [sum, relu])
    let x = g.uniformTensor([2, 6, 5, 2])
    let inference = network(x)
    let (training, _) = network.valueWithPullback(at: x, scope: .inputAndParameters)
    #expect(inference == training)
    // The reference computed layer by layer.
    let c = network.layer(named: "conv")!(x)
    let n = network.layer(named: "bn")!(c)
    let r = ReLU()(n)
    let a = network.layer(named: "affine")!(r)
    #expect(inference[0] == a + n && inference[1] == r)
  }

  @Test func parametersAreAddressableByLayerAndName() throws {
    var network = smallResidualNetwork(seed: 7)
    let list = network.parameterList
    #expect(list.first == NetworkParameter(layer: "stem", name: "bias", shape: [4]))
    #expect(list.map(\.description).contains("bn_b/movingVariance [4]"))
    #expect(list.count == 15)
    try network.setParameter(layer: "dense", name: "bias", to: Tensor(repeating: 7, shape: [5]))
    #expect(network.parameters(ofLayer: "dense")?["bias"] == Tensor(repeating: 7, shape: [5]))
    #expect(throws: LayerParameterError.unknownLayer(name: "dense_2")) {
      try network.setParameter(layer: "dense_2", name: "bias", to: Tensor(zeros: [5]))
    }
    #expect(
      throws: LayerParameterError.shapeMismatch(
        name: "kernel", expected: [3, 3, 4, 4], actual: [4, 4, 3, 3])
    ) {
      try network.setParameter(layer: "conv_a", name: "kernel", to: Tensor(zeros: [4, 4, 3, 3]))
    }
    #expect(throws: LayerParameterError.unknownParameter(name: "kernel", known: [])) {
      try network.setParameter(layer: "relu", name: "kernel", to: Tensor(zeros: [1]))
    }
  }

  @Test func repeatedForwardBackwardPassesDoNotGrowResidentMemory() throws {
    var g = SplitMix64(seed: 8)
    var b = NetworkBuilder()
    let conv = b.add(
      Conv2D(kernel: g.uniformTensor([3, 3, 8, 16]), bias: g.uniformTensor([16]), padding: .same),
      named: "conv", from: b.input)
    let bn = b.add(BatchNorm(channels: 16, epsilon: 1e-3), named: "bn", from: conv)
    let relu = b.add(ReLU(), named: "relu", from: bn)
    let conv2 = b.add(
      Conv2D(kernel: g.uniformTensor([3, 3, 16, 16]), bias: nil, padding: .same), named: "conv2",
      from: relu)
    let sum = b.add(Add(), named: "sum", from: [conv2, relu])
    let pool = b.add(MaxPool2D(window: (2, 2)), named: "pool", from: sum)
    let network = b.build(outputs: [pool])
    let x = g.uniformTensor([1, 64, 64, 8])  // about 2.5 MB of intermediates per pass
    let seed = g.uniformTensor([1, 32, 32, 16])
    func pass() {
      let (_, pullback) = network.valueWithPullback(at: x, scope: .inputAndParameters)
      _ = pullback([seed])
      _ = network(x)
    }
    for _ in 0..<20 { pass() }
    // Three windows of 100 passes. Other tests run concurrently in this process, so the resident
    // set also carries their allocations (up to about 70 MiB in one window was seen with the whole
    // suite); a leak grows every window alike. Keeping one pass's intermediates would add about
    // 250 MiB per window: the check catches any leak above 40 % of that.
    var readings = [try residentBytes()]
    for _ in 0..<3 {
      for _ in 0..<100 { pass() }
      readings.append(try residentBytes())
    }
    let growths = zip(readings.dropFirst(), readings).map { ($0 - $1) >> 20 }
    #expect(growths.min() ?? .max < 100, "resident memory grew by \(growths) MiB per 100 passes")
  }

  /// The process's resident set size from `/proc/self/statm` (second field, in pages).
  private func residentBytes() throws -> Int {
    let text = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
    let fields = text.split(separator: " ")
    let pages = try #require(fields.count > 1 ? Int(fields[1]) : nil)
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
  }
}

/// A ReLU whose backward pass is 3% too large: the negative control of the network check.
private struct ReLUWithWrongBackward: Layer {
  func callAsFunction(_ input: Tensor) -> Tensor { ReLU()(input) }
  func valueWithPullback(at input: Tensor, scope: GradientScope) -> (
    value: Tensor, pullback: Pullback<NoParameters>
  ) {
    let (y, pullback) = ReLU().valueWithPullback(at: input, scope: scope)
    return (y, { dy in (pullback(dy).input * 1.03, nil) })
  }
}

/// A whole network used as one layer (its first output).
private struct NetworkLayer: Layer {
  let network: Network
  func callAsFunction(_ input: Tensor) -> Tensor { network(input)[0] }
  func valueWithPullback(at input: Tensor, scope: GradientScope) -> (
    value: Tensor, pullback: Pullback<NoParameters>
  ) {
    let (outputs, pullback) = network.valueWithPullback(at: input, scope: scope)
    return (outputs[0], { dy in (pullback([dy]).input, nil) })
  }
}
