import FaceNets
import FaceTensor
import FaceTestSupport
import Testing

/// Negative controls: the checker must reject deliberately wrong backward passes.
@Suite struct GradientCheckerTests {
  @Test func checkerRejectsAConvKernelGradientWithoutItsTranspose() throws {
    let c = Conv2DCase([2, 5, 5, 3], [3, 3, 3, 4], (1, 1), (1, 1), .same, true)
    let (layer, x) = c.make(seed: 1)
    var g = SplitMix64(seed: 2)
    let (y, pullback) = layer.valueWithPullback(at: x, scope: .inputAndParameters)
    let dy = g.uniformTensor(y.shape)
    let right = try #require(pullback(dy).parameters).kernel
    // The wrong gradient swaps the kernel's spatial axes (dK[kw, kh] instead of dK[kh, kw]).
    var wrong = right
    for kh in 0..<3 {
      for kw in 0..<3 {
        for i in 0..<3 { for o in 0..<4 { wrong[kh, kw, i, o] = right[kw, kh, i, o] } }
      }
    }
    let evaluate = { (k: Tensor) -> Tensor in
      var probe = layer
      probe.kernel = k
      return probe(x)
    }
    let good = checkGradient(
      "kernel", of: evaluate, at: layer.kernel, upstream: dy, analytic: right, generator: &g)
    let bad = checkGradient(
      "transposed kernel", of: evaluate, at: layer.kernel, upstream: dy, analytic: wrong,
      generator: &g)
    #expect(good.passes, "\(good)")
    #expect(!bad.passes, "the checker accepted a wrong gradient: \(bad)")
    #expect(
      "\(bad)".contains("FAILED") && "\(bad)".contains("worst element [")
        && "\(bad)".contains("analytic"))
  }

  @Test func checkerRejectsAResizeBackwardThatDropsOneNeighbour() {
    var g = SplitMix64(seed: 3)
    let x = g.uniformTensor([1, 5, 4, 2])
    let layer = BilinearResize(outputHeight: 7, outputWidth: 6)
    let dy = g.uniformTensor([1, 7, 6, 2])
    // A backward written by hand that forgets the bottom-right neighbour.
    let droppingOne = resizeBackward(dy, inputShape: x.shape, dropBottomRight: true)
    let complete = resizeBackward(dy, inputShape: x.shape, dropBottomRight: false)
    let good = checkGradient(
      "resize", of: { layer($0) }, at: x, upstream: dy, analytic: complete, generator: &g)
    let bad = checkGradient(
      "resize (3 taps)", of: { layer($0) }, at: x, upstream: dy, analytic: droppingOne,
      generator: &g)
    #expect(good.passes, "\(good)")
    #expect(!bad.passes, "the checker accepted a wrong gradient: \(bad)")
  }

  @Test func checkerRejectsAGradientOfTheWrongShapeOrScale() {
    var g = SplitMix64(seed: 4)
    let x = g.uniformTensor([2, 3])
    let dy = g.uniformTensor([2, 3])
    let twice = { (t: Tensor) in t * 2 }
    #expect(
      !checkGradient(
        of: twice, at: x, upstream: dy, analytic: dy.reshaped(to: [3, 2]), generator: &g
      ).passes)
    #expect(
      !checkGradient(of: twice, at: x, upstream: dy, analytic: dy * 2.05, generator: &g).passes)
    #expect(checkGradient(of: twice, at: x, upstream: dy, analytic: dy * 2, generator: &g).passes)
  }

  /// The adjoint of half-pixel bilinear resizing, written independently of the layer.
  private func resizeBackward(_ dy: Tensor, inputShape: [Int], dropBottomRight: Bool) -> Tensor {
    let (h, w, c) = (inputShape[1], inputShape[2], inputShape[3])
    let (oh, ow) = (dy.shape[1], dy.shape[2])
    func taps(_ input: Int, _ output: Int) -> [(Int, Int, Float)] {
      (0..<output).map { o in
        let s = min(
          max((Double(o) + 0.5) * Double(input) / Double(output) - 0.5, 0), Double(input - 1))
        let i0 = Int(s)
        return (i0, min(i0 + 1, input - 1), Float(s - Double(i0)))
      }
    }
    let rows = taps(h, oh)
    let cols = taps(w, ow)
    var dx = Tensor(zeros: inputShape)
    for r in 0..<oh {
      for col in 0..<ow {
        let (y0, y1, fy) = rows[r]
        let (x0, x1, fx) = cols[col]
        for ch in 0..<c {
          let v = dy[0, r, col, ch]
          dx[0, y0, x0, ch] += (1 - fy) * (1 - fx) * v
          dx[0, y0, x1, ch] += (1 - fy) * fx * v
          dx[0, y1, x0, ch] += fy * (1 - fx) * v
          if !dropBottomRight { dx[0, y1, x1, ch] += fy * fx * v }
        }
      }
    }
    return dx
  }
}
