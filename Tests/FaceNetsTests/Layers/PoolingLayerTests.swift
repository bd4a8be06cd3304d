import FaceNets
import FaceTensor
import FaceTestSupport
import Testing

@Suite struct PoolingLayerTests {
  @Test(arguments: PoolingCase.all)
  func geometryFollowsTheFloorCeilAndSameRules(_ c: PoolingCase) {
    let g = PoolingGeometry(
      inputShape: c.inputShape, window: c.window, strides: c.strides, padding: c.padding,
      rounding: c.rounding)
    let e = c.expectedGeometry
    #expect(g.outputHeight == e.outputHeight && g.outputWidth == e.outputWidth, "\(c)")
    #expect(g.padTop == e.padTop && g.padLeft == e.padLeft, "\(c)")
  }

  @Test(arguments: PoolingCase.all)
  func maxPoolForwardMatchesNaiveLoop(_ c: PoolingCase) {
    let x = c.input(seed: 1)
    let y = MaxPool2D(
      window: c.window, strides: c.strides, padding: c.padding, rounding: c.rounding)(x)
    let e = c.expectedGeometry
    let expected = NaiveKernels.pool(
      .max, input: x, window: c.window, strides: c.strides, padTop: e.padTop, padLeft: e.padLeft,
      outputHeight: e.outputHeight, outputWidth: e.outputWidth)
    let report = compare("max pool", y, to: expected, tolerance: 0)
    #expect(report.passes, "\(c): \(report)")
  }

  @Test(arguments: PoolingCase.all)
  func avgPoolForwardMatchesNaiveLoop(_ c: PoolingCase) {
    var g = SplitMix64(seed: 2)
    let x = g.uniformTensor(c.inputShape)
    let y = AvgPool2D(
      window: c.window, strides: c.strides, padding: c.padding, rounding: c.rounding)(x)
    let e = c.expectedGeometry
    let expected = NaiveKernels.pool(
      .average, input: x, window: c.window, strides: c.strides, padTop: e.padTop,
      padLeft: e.padLeft, outputHeight: e.outputHeight, outputWidth: e.outputWidth)
    let report = compare("avg pool", y, to: expected, tolerance: 1e-6)
    #expect(report.passes, "\(c): \(report)")
  }

  @Test func caffeCeilTrimsAWindowThatWouldStartInThePadding() {
    // in 5, window 2, stride 2, pad 1: ceil((5 + 2 - 2) / 2) + 1 = 4, but window 3 would start at
    // 3 * 2 - 1 = 5 = in: Caffe drops it.
    let g = PoolingGeometry(
      inputShape: [1, 5, 5, 1], window: (2, 2), strides: (2, 2),
      padding: .explicit(top: 1, bottom: 1, left: 1, right: 1), rounding: .ceil)
    #expect(g.outputHeight == 3)
    // Without padding the ceil rule keeps a last window that hangs over the edge: 7 -> 4.
    let pnet = PoolingGeometry(
      inputShape: [1, 7, 7, 1], window: (2, 2), strides: (2, 2), padding: .valid, rounding: .ceil)
    #expect(pnet.outputHeight == 4 && pnet.inputRows(forOutputRow: 3) == 6..<7)
  }

  @Test(arguments: [(2, 2, Array(3...40)), (3, 2, Array(stride(from: 4, through: 40, by: 2)))])
  func tensorFlowSameMaxPoolEqualsCaffeCeilWhereMTCNNUsesIt(window: Int, stride: Int, sizes: [Int])
  {
    var g = SplitMix64(seed: 3)
    for size in sizes {
      let x = g.uniformTensor([1, size, size, 2])
      let same = MaxPool2D(window: (window, window), strides: (stride, stride), padding: .same)(x)
      let caffe = MaxPool2D(
        window: (window, window), strides: (stride, stride), padding: .valid, rounding: .ceil)(x)
      #expect(same == caffe, "size \(size): \(same.shape) vs \(caffe.shape)")
    }
  }

  @Test func globalAveragePoolAveragesEveryPixelOfEachChannel() {
    var g = SplitMix64(seed: 4)
    let x = g.uniformTensor([2, 3, 4, 5])
    let y = GlobalAveragePool()(x)
    var expected = ReferenceTensor(zeros: [2, 5])
    for n in 0..<2 {
      for c in 0..<5 {
        var total = 0.0
        for h in 0..<3 { for w in 0..<4 { total += Double(x[n, h, w, c]) } }
        expected.values[n * 5 + c] = total / 12
      }
    }
    let report = compare("global average", y, to: expected, tolerance: 1e-6)
    #expect(report.passes, "\(report)")
  }
}
