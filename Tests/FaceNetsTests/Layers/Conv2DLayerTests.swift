import FaceNets
import FaceTensor
import FaceTestSupport
import Testing

@Suite struct Conv2DLayerTests {
  @Test(arguments: Conv2DCase.all)
  func forwardMatchesNaiveLoop(_ c: Conv2DCase) {
    let (layer, x) = c.make(seed: 1)
    let expected = NaiveKernels.conv2D(
      input: x, kernel: layer.kernel, bias: layer.bias, strides: c.strides, dilations: c.dilations,
      pads: c.pads)
    let report = compare("conv forward", layer(x), to: expected, tolerance: 1e-5)
    #expect(report.passes, "\(c): \(report)")
  }

  @Test func sameStrideTwoPutsTheOddPaddingRowAtTheBottomRight() {
    // 6x6, 3x3 stride 2 'same': out 3, total padding 1 -> top/left 0, bottom/right 1. A kernel
    // whose only tap is (0, 0) reads x[2·oh - top, 2·ow - left].
    var kernel = Tensor(zeros: [3, 3, 1, 1])
    kernel[0, 0, 0, 0] = 1
    let x = Tensor(shape: [1, 6, 6, 1], scalars: (0..<36).map { Float($0 + 1) })
    let y = Conv2D(kernel: kernel, bias: nil, strides: (2, 2), padding: .same)(x)
    #expect(y.shape == [1, 3, 3, 1])
    #expect(y.scalars == [1, 3, 5, 13, 15, 17, 25, 27, 29])
  }

  @Test func setParameterChecksNamesAndShapes() throws {
    var layer = Conv2D(kernelShape: [3, 3, 2, 4])
    try layer.setParameter("kernel", to: Tensor(repeating: 1, shape: [3, 3, 2, 4]))
    #expect(layer.kernel.scalars.allSatisfy { $0 == 1 })
    #expect(
      throws: LayerParameterError.shapeMismatch(
        name: "kernel", expected: [3, 3, 2, 4], actual: [4, 2, 3, 3])
    ) {
      try layer.setParameter("kernel", to: Tensor(zeros: [4, 2, 3, 3]))
    }
    var noBias = Conv2D(kernelShape: [1, 1, 2, 2], useBias: false)
    #expect(throws: LayerParameterError.unknownParameter(name: "bias", known: ["kernel"])) {
      try noBias.setParameter("bias", to: Tensor(zeros: [2]))
    }
    #expect(
      "\(LayerParameterError.shapeMismatch(name: "kernel", expected: [3, 3, 2, 4], actual: [4, 2, 3, 3]))"
        == "'kernel' has shape [4, 2, 3, 3], expected [3, 3, 2, 4]")
  }
}

@Suite struct Conv2DFoldingTests {
  @Test func foldingABatchNormGivesTheSameFunctionAndInputGradient() {
    var g = SplitMix64(seed: 9)
    let c = Conv2DCase.all[2]
    let (conv, x) = c.make(seed: 10)
    let oc = c.kernelShape[3]
    let bn = BatchNorm(
      gamma: g.uniformTensor([oc]), beta: g.uniformTensor([oc]), movingMean: g.uniformTensor([oc]),
      movingVariance: g.uniformTensor([oc], in: 0.5...2), epsilon: 1e-3)
    let folded = conv.folding(bn)
    let expected = ReferenceTensor(bn(conv(x)))
    let report = compare("folded", folded(x), to: expected, tolerance: 1e-5)
    #expect(report.passes, "\(report)")
    let gradient = LayerGradientCheck.input(of: folded, at: x, seed: 11)
    #expect(gradient.passes, "\(gradient)")
  }
}
