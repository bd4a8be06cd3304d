import FaceNets
import FaceTensor
import FaceTestSupport
import Testing

/// Tensors above the element-loop threshold (2^15 elements) take the multithreaded paths; these
/// tests check them against the naive loops and against per-image runs (which also covers the
/// batch-parallel backward passes).
@Suite struct ThreadedLayerTests {
  static let shape = [2, 48, 40, 12]  // 46,080 elements

  @Test func poolingForwardAndBackwardOnLargeInputsMatchNaiveAndPerImageRuns() {
    var g = SplitMix64(seed: 1)
    let x = g.uniformTensor(Self.shape)
    for layer in [MaxPool2D(window: (3, 3), strides: (2, 2), padding: .same)] {
      let geometry = layer.geometry(forInputShape: x.shape)
      let expected = NaiveKernels.pool(
        .max, input: x, window: (3, 3), strides: (2, 2), padTop: geometry.padTop,
        padLeft: geometry.padLeft, outputHeight: geometry.outputHeight,
        outputWidth: geometry.outputWidth)
      #expect(compare("max pool", layer(x), to: expected, tolerance: 0).passes)
      checkBatchedBackwardEqualsPerImage(layer, x, seed: 2)
    }
    let avg = AvgPool2D(window: (2, 2), padding: .valid)
    let expected = NaiveKernels.pool(
      .average, input: x, window: (2, 2), strides: (2, 2), padTop: 0, padLeft: 0, outputHeight: 24,
      outputWidth: 20)
    #expect(compare("avg pool", avg(x), to: expected, tolerance: 1e-6).passes)
    checkBatchedBackwardEqualsPerImage(avg, x, seed: 3)
  }

  @Test func elementwiseLayersOnLargeInputsMatchElementByElementFormulas() {
    var g = SplitMix64(seed: 4)
    let x = g.uniformTensor(Self.shape)
    let c = Self.shape[3]
    let bn = BatchNorm(
      gamma: g.uniformTensor([c]), beta: g.uniformTensor([c]), movingMean: g.uniformTensor([c]),
      movingVariance: g.uniformTensor([c], in: 0.5...2), epsilon: 1e-3)
    let (scale, shift) = bn.scaleAndShift
    let expectedBN = Tensor(
      shape: x.shape,
      scalars: x.scalars.indices.map { x.scalars[$0] * scale[$0 % c] + shift[$0 % c] })
    #expect(bn(x) == expectedBN)
    var inPlace = x
    bn.applyInPlace(&inPlace)
    #expect(inPlace == expectedBN)
    #expect(ReLU()(x) == x.mapped { max($0, 0) })
    var relu = x
    ReLU().applyInPlace(&relu)
    #expect(relu == x.mapped { max($0, 0) })
    let s = g.uniformTensor([2, c])
    let product = Multiply()([x, s])
    let perPixel = 48 * 40 * c
    #expect(
      product.scalars.indices.allSatisfy {
        product.scalars[$0] == x.scalars[$0] * s.scalars[($0 / perPixel) * c + $0 % c]
      })
    let y = g.uniformTensor(Self.shape)
    #expect(Add()([x, y]) == x + y)
  }

  @Test func bilinearResizeOnLargeInputsMatchesPerImageRuns() {
    var g = SplitMix64(seed: 5)
    let x = g.uniformTensor([2, 30, 50, 3], in: 0...255)
    let layer = BilinearResize(outputHeight: 112, outputWidth: 96)
    let batched = layer(x)
    for n in 0..<2 {
      #expect(slice(batched, n) == layer(slice(x, n)))
    }
    checkBatchedBackwardEqualsPerImage(layer, x, seed: 6)
  }

  /// The batched pullback's input gradient equals the per-image pullbacks' stacked.
  private func checkBatchedBackwardEqualsPerImage(_ layer: some Layer, _ x: Tensor, seed: UInt64) {
    var g = SplitMix64(seed: seed)
    let (y, pullback) = layer.valueWithPullback(at: x, scope: .input)
    let dy = g.uniformTensor(y.shape)
    let dx = pullback(dy).input
    for n in 0..<x.shape[0] {
      let (_, single) = layer.valueWithPullback(at: slice(x, n), scope: .input)
      #expect(slice(dx, n) == single(slice(dy, n)).input, "\(type(of: layer)) image \(n)")
    }
  }

  /// Image `n` of a batch, as a batch of one.
  private func slice(_ t: Tensor, _ n: Int) -> Tensor {
    let perImage = t.count / t.shape[0]
    return Tensor(
      shape: [1] + t.shape.dropFirst(),
      scalars: Array(t.scalars[(n * perImage)..<((n + 1) * perImage)]))
  }
}
