import FaceNets
import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@Suite struct ElementwiseLayerTests {
  @Test func batchNormForwardMatchesTheFormulaInDouble() {
    var g = SplitMix64(seed: 1)
    let c = 5
    let bn = BatchNorm(
      gamma: g.uniformTensor([c]), beta: g.uniformTensor([c]), movingMean: g.uniformTensor([c]),
      movingVariance: g.uniformTensor([c], in: 0.1...2), epsilon: 1e-3)
    let x = g.uniformTensor([2, 3, 4, c], in: -3...3)
    var expected = ReferenceTensor(zeros: x.shape)
    for i in 0..<x.count {
      let j = i % c
      let normalized =
        (Double(x.scalars[i]) - Double(bn.movingMean.scalars[j]))
        / (Double(bn.movingVariance.scalars[j]) + 1e-3).squareRoot()
      expected.values[i] = normalized * Double(bn.gamma.scalars[j]) + Double(bn.beta.scalars[j])
    }
    let report = compare("batch norm", bn(x), to: expected, tolerance: 2e-6)
    #expect(report.passes, "\(report)")
    var inPlace = x
    bn.applyInPlace(&inPlace)
    #expect(inPlace == bn(x))
  }

  @Test func batchNormEpsilonIsPartOfTheLayer() {
    let x = Tensor(shape: [1, 1], scalars: [1])
    let small = BatchNorm(channels: 1, epsilon: 1e-4)
    var tiny = BatchNorm(channels: 1, epsilon: 1e-3)
    #expect(small(x) != tiny(x))
    #expect(throws: Never.self) { try tiny.setParameter("movingVariance", to: Tensor(zeros: [1])) }
    #expect(abs(tiny(x).scalars[0] - 1 / Float(1e-3).squareRoot()) < 1e-3)
  }

  @Test func affineAndPReLUForwardFollowTheirFormulas() {
    let affine = Affine(
      gamma: Tensor(shape: [2], scalars: [2, -1]), beta: Tensor(shape: [2], scalars: [0.5, 1]))
    let x = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, -3, 4])
    #expect(affine(x).scalars == [2.5, -1, -5.5, -3])
    let prelu = PReLU(alpha: Tensor(shape: [1, 1, 2], scalars: [0.25, 0.5]))
    #expect(prelu(x).scalars == [1, 2, -0.75, 4])
    #expect(ReLU()(x).scalars == [1, 2, 0, 4])
  }

  @Test func softmaxRowsSumToOneAndSigmoidIsLogistic() {
    var g = SplitMix64(seed: 2)
    let x = g.uniformTensor([3, 4], in: -5...5)
    let s = Softmax()(x)
    for r in 0..<3 {
      let total = (0..<4).reduce(0.0) { $0 + Double(s[r, $1]) }
      #expect(abs(total - 1) < 1e-6)
    }
    let sig = Sigmoid()(x)
    for i in 0..<x.count {
      #expect(abs(Double(sig.scalars[i]) - 1 / (1 + exp(-Double(x.scalars[i])))) < 1e-6)
    }
  }

  @Test func flattenOrdersFollowKerasAndCaffe() {
    // x[0, h, w, c] = 100 h + 10 w + c, shape [1, 2, 3, 2]
    var x = Tensor(zeros: [1, 2, 3, 2])
    for h in 0..<2 {
      for w in 0..<3 { for c in 0..<2 { x[0, h, w, c] = Float(100 * h + 10 * w + c) } }
    }
    let keras = Flatten(order: .channelsLast)(x)
    let caffe = Flatten(order: .channelsFirst)(x)
    #expect(keras.shape == [1, 12] && caffe.shape == [1, 12])
    #expect(keras.scalars == [0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121])
    #expect(caffe.scalars == [0, 10, 20, 100, 110, 120, 1, 11, 21, 101, 111, 121])
  }

  @Test func denseForwardMatchesNaiveMatmulPlusBias() {
    var g = SplitMix64(seed: 3)
    let dense = Dense(kernel: g.uniformTensor([7, 5]), bias: g.uniformTensor([5]))
    let x = g.uniformTensor([3, 7])
    var expected = NaiveKernels.matmul(x, dense.kernel)
    for i in 0..<expected.values.count { expected.values[i] += Double(dense.bias!.scalars[i % 5]) }
    let report = compare("dense", dense(x), to: expected, tolerance: 1e-5)
    #expect(report.passes, "\(report)")
  }
}
