import FaceNets
import FaceTensor
import FaceTestSupport
import Testing

@Suite struct Conv2DGradientTests {
  @Test(arguments: Conv2DCase.all)
  func inputGradientMatchesFiniteDifferences(_ c: Conv2DCase) {
    let (layer, x) = c.make(seed: 11)
    let report = LayerGradientCheck.input(of: layer, at: x, seed: 12)
    #expect(report.passes, "\(c): \(report)")
  }

  @Test(arguments: Conv2DCase.all)
  func kernelGradientMatchesFiniteDifferences(_ c: Conv2DCase) throws {
    let (layer, x) = c.make(seed: 21)
    let check = try LayerGradientCheck.parameter(
      \.kernel, of: layer, at: x, seed: 22, gradient: \.kernel)
    #expect(check.passes, "\(c): \(check)")
  }

  /// The filtered list below feeds a parameterised test, which passes vacuously when empty.
  @Test func someCasesHaveABias() {
    #expect(Conv2DCase.all.contains { $0.useBias })
  }

  /// The grid reaches every way `ConvolutionPlan` computes a convolution.
  @Test func casesCoverEveryStrategy() {
    let strategies = Set(
      Conv2DCase.all.map { c in
        let layer = c.make(seed: 1).layer
        return
          "\(ConvolutionPlan(geometry: layer.geometry(forInputShape: c.inputShape), threads: 2).strategy)"
      })
    #expect(strategies == ["pointwise", "withinTiles", "taps"], "\(strategies)")
  }

  @Test(arguments: Conv2DCase.all.filter(\.useBias))
  func biasGradientMatchesFiniteDifferences(_ c: Conv2DCase) throws {
    let (layer, x) = c.make(seed: 31)
    let check = try LayerGradientCheck.parameter(
      \.bias, of: layer, at: x, seed: 32, gradient: \.bias)
    #expect(check.passes, "\(c): \(check)")
  }

  @Test(arguments: Conv2DCase.all)
  func backwardGradientsMatchNaiveLoops(_ c: Conv2DCase) throws {
    let (layer, x) = c.make(seed: 41)
    var g = SplitMix64(seed: 42)
    let (y, pullback) = layer.valueWithPullback(at: x, scope: .inputAndParameters)
    let dy = g.uniformTensor(y.shape)
    let (dx, parameters) = pullback(dy)
    let gradient = try #require(parameters)
    let expectedDx = NaiveKernels.conv2DInputGradient(
      outputGradient: dy, kernel: layer.kernel, inputShape: x.shape, strides: c.strides,
      dilations: c.dilations, pads: c.pads)
    let expected = NaiveKernels.conv2DParameterGradients(
      outputGradient: dy, input: x, kernelShape: c.kernelShape, strides: c.strides,
      dilations: c.dilations, pads: c.pads)
    let dxReport = compare("dx", dx, to: expectedDx, tolerance: 1e-5)
    #expect(dxReport.passes, "\(c): \(dxReport)")
    let dkReport = compare("dKernel", gradient.kernel, to: expected.kernel)
    #expect(dkReport.passes, "\(c): \(dkReport)")
    if c.useBias {
      let dbReport = compare("dBias", try #require(gradient.bias), to: expected.bias)
      #expect(dbReport.passes, "\(c): \(dbReport)")
    } else {
      #expect(gradient.bias == nil)
    }
  }

  @Test func inputScopeBackwardSkipsParameterGradientsAndGivesTheSameInputGradient() throws {
    let (layer, x) = Conv2DCase.all[2].make(seed: 51)
    var g = SplitMix64(seed: 52)
    let (y, inputOnly) = layer.valueWithPullback(at: x, scope: .input)
    let (_, full) = layer.valueWithPullback(at: x, scope: .inputAndParameters)
    let dy = g.uniformTensor(y.shape)
    let a = inputOnly(dy)
    let b = full(dy)
    #expect(a.parameters == nil)
    let parameters = try #require(b.parameters)
    #expect(parameters.kernel.shape == layer.kernel.shape)
    #expect(parameters.bias?.shape == layer.bias?.shape && parameters.bias != nil)
    #expect(a.input == b.input)
  }
}
