import FaceNets
import FaceTensor
import FaceTestSupport
import Foundation
import Testing

/// A tensor as the reference script stores it: shape plus row-major values.
private struct StoredTensor: Decodable {
  let shape: [Int]
  let data: [Float]
  var tensor: Tensor { Tensor(shape: shape, scalars: data) }
}

/// One case of `Fixtures/layers/keras_layers.json` (written by
/// `Scripts/reference/keras_layers_reference.py`, TensorFlow 2.15.1 / Keras 2.15.0).
private struct KerasCase: Decodable, CustomStringConvertible {
  struct Config: Decodable {
    let kernel_size: [Int]?
    let strides: [Int]?
    let padding: String?
    let dilation_rate: [Int]?
    let use_bias: Bool?
    let pool_size: [Int]?
    let epsilon: Float?
    let activation: String?
  }
  let name: String
  let layer: String
  let config: Config
  let input: String
  let weights: [String: StoredTensor]
  let output: StoredTensor
  let upstream_gradient_dy: StoredTensor
  let grad_input: StoredTensor
  let grad_weights: [String: StoredTensor]

  var description: String { name }
}

private struct KerasFixture: Decodable {
  let inputs: [String: StoredTensor]
  let cases: [KerasCase]

  static let loaded: KerasFixture? = {
    guard
      let url = Bundle.module.url(
        forResource: "keras_layers", withExtension: "json", subdirectory: "Fixtures/layers"),
      let data = try? Data(contentsOf: url)
    else { return nil }
    return try? JSONDecoder().decode(KerasFixture.self, from: data)
  }()
}

/// Keras weight names → FaceNets parameter names.
private let parameterNames = [
  "kernel": "kernel", "bias": "bias", "gamma": "gamma", "beta": "beta", "moving_mean": "movingMean",
  "moving_variance": "movingVariance", "alpha": "alpha",
]

/// Forward outputs and vector-Jacobian products of FaceNets layers against TensorFlow's, for the
/// same inputs, weights and upstream gradient.
@Suite struct KerasLayerGoldenTests {
  @Test func fixtureLoadsWithEveryLayerKind() throws {
    let fixture = try #require(
      KerasFixture.loaded, "Fixtures/layers/keras_layers.json is missing or unreadable")
    let kinds = Set(fixture.cases.map(\.layer))
    #expect(
      kinds.isSuperset(of: [
        "Conv2D", "MaxPooling2D", "AveragePooling2D", "BatchNormalization", "PReLU", "Dense",
      ]))
  }

  @Test(arguments: KerasFixture.loaded?.cases ?? [])
  fileprivate func forwardAndBackwardMatchTensorFlow(_ c: KerasCase) throws {
    let fixture = try #require(KerasFixture.loaded)
    let x = try #require(fixture.inputs[c.input]).tensor
    let network = try makeNetwork(c)
    let (outputs, pullback) = network.valueWithPullback(at: x, scope: .inputAndParameters)
    let forward = compare(
      "\(c.name) output", outputs[0], to: ReferenceTensor(c.output.tensor), tolerance: 2e-5)
    #expect(forward.passes, "\(forward)")
    let (dx, parameters) = pullback([c.upstream_gradient_dy.tensor])
    let backward = compare(
      "\(c.name) input gradient", dx, to: ReferenceTensor(c.grad_input.tensor), tolerance: 2e-5)
    #expect(backward.passes, "\(backward)")
    let gradients = weightGradients(of: c, in: try #require(parameters))
    #expect(Set(gradients.keys) == Set(c.grad_weights.keys), "\(c.name)")
    for (name, expected) in c.grad_weights {
      let actual = try #require(gradients[name], "\(c.name): no gradient for \(name)")
      let report = compare(
        "\(c.name) \(name) gradient", actual, to: ReferenceTensor(expected.tensor), tolerance: 2e-5)
      #expect(report.passes, "\(report)")
    }
  }

  /// The parameter gradients of the case's layer (named "layer") read from its typed `Gradient`,
  /// by Keras weight name (the same as the property names).
  private func weightGradients(of c: KerasCase, in gradients: NetworkGradient) -> [String: Tensor] {
    func kernelAndBias(_ g: KernelBiasGradient?) -> [String: Tensor] {
      guard let g else { return [:] }
      return g.bias.map { ["kernel": g.kernel, "bias": $0] } ?? ["kernel": g.kernel]
    }
    switch c.layer {
    case "Conv2D":
      return kernelAndBias(gradients.gradient(ofLayer: "layer", as: Conv2D.self))
    case "Dense":
      return kernelAndBias(gradients.gradient(ofLayer: "layer", as: Dense.self))
    case "BatchNormalization":
      let g = gradients.gradient(ofLayer: "layer", as: BatchNorm.self)
      return g.map { ["gamma": $0.gamma, "beta": $0.beta] } ?? [:]
    case "PReLU":
      return gradients.gradient(ofLayer: "layer", as: PReLU.self).map { ["alpha": $0.alpha] } ?? [:]
    default:
      return [:]
    }
  }

  /// The FaceNets equivalent of the case's Keras layer, weights set by name, as a one-layer
  /// network (two layers for a Dense with softmax activation).
  private func makeNetwork(_ c: KerasCase) throws -> Network {
    let cfg = c.config
    let padding: Padding = cfg.padding == "same" ? .same : .valid
    func pair(_ v: [Int]?) -> (Int, Int) { (v?[0] ?? 1, v?[1] ?? 1) }
    var b = NetworkBuilder()
    var last: NetworkNode
    switch c.layer {
    case "Conv2D":
      let kernel = try #require(c.weights["kernel"]).tensor
      last = b.add(
        Conv2D(
          kernelShape: kernel.shape, useBias: cfg.use_bias ?? true, strides: pair(cfg.strides),
          dilations: pair(cfg.dilation_rate), padding: padding), named: "layer", from: b.input)
    case "MaxPooling2D":
      last = b.add(
        MaxPool2D(window: pair(cfg.pool_size), strides: pair(cfg.strides), padding: padding),
        named: "layer", from: b.input)
    case "AveragePooling2D":
      last = b.add(
        AvgPool2D(window: pair(cfg.pool_size), strides: pair(cfg.strides), padding: padding),
        named: "layer", from: b.input)
    case "GlobalAveragePooling2D":
      last = b.add(GlobalAveragePool(), named: "layer", from: b.input)
    case "BatchNormalization":
      let gamma = try #require(c.weights["gamma"]).tensor
      last = b.add(
        BatchNorm(channels: gamma.count, epsilon: try #require(cfg.epsilon)), named: "layer",
        from: b.input)
    case "PReLU":
      let alpha = try #require(c.weights["alpha"]).tensor
      last = b.add(
        PReLU(channels: alpha.count, alphaShape: alpha.shape), named: "layer", from: b.input)
    case "Dense":
      let kernel = try #require(c.weights["kernel"]).tensor
      last = b.add(
        Dense(
          inputCount: kernel.shape[0], outputCount: kernel.shape[1], useBias: cfg.use_bias ?? true),
        named: "layer", from: b.input)
      if cfg.activation == "softmax" { last = b.add(Softmax(), named: "softmax", from: last) }
    case "Softmax":
      last = b.add(Softmax(), named: "layer", from: b.input)
    case "Flatten":
      last = b.add(Flatten(order: .channelsLast), named: "layer", from: b.input)
    default:
      throw KerasCaseError.unsupported(c.layer)
    }
    var network = b.build(outputs: [last])
    for (kerasName, value) in c.weights {
      let name = try #require(parameterNames[kerasName])
      try network.setParameter(layer: "layer", name: name, to: value.tensor)
    }
    return network
  }
}

private enum KerasCaseError: Error { case unsupported(String) }
