import FaceNets
import FaceTensor
import FaceTestSupport
import Foundation
import Testing

/// OpenCV's `resize` (INTER_LINEAR) coordinate code for one axis, transcribed: `fx = (dx + 0.5) ·
/// scale - 0.5; sx = floor(fx); fx -= sx; if sx < 0 { fx = 0; sx = 0 }; if sx >= in - 1
/// { fx = 0; sx = in - 1 }`; the second tap is `min(sx + 1, in - 1)`.
private func openCVTaps(input: Int, output: Int) -> [(Int, Int, Double)] {
  let scale = Double(input) / Double(output)
  return (0..<output).map { d in
    var f = (Double(d) + 0.5) * scale - 0.5
    var s = Int(floor(f))
    f -= Double(s)
    if s < 0 { (f, s) = (0, 0) }
    if s >= input - 1 { (f, s) = (0, input - 1) }
    return (s, min(s + 1, input - 1), f)
  }
}

@Suite struct ResamplingLayerTests {
  @Test(arguments: [
    ([2, 5, 4, 3], 7, 9), ([1, 9, 8, 2], 4, 3), ([1, 6, 6, 1], 3, 3), ([1, 3, 5, 2], 224, 224),
  ])
  func bilinearResizeMatchesOpenCVsCoordinateRule(_ shape: [Int], _ oh: Int, _ ow: Int) {
    var g = SplitMix64(seed: 1)
    let x = g.uniformTensor(shape, in: 0...255)
    let y = BilinearResize(outputHeight: oh, outputWidth: ow)(x)
    let rows = openCVTaps(input: shape[1], output: oh)
    let cols = openCVTaps(input: shape[2], output: ow)
    var expected = ReferenceTensor(zeros: [shape[0], oh, ow, shape[3]])
    for n in 0..<shape[0] {
      for r in 0..<oh {
        for c in 0..<ow {
          for ch in 0..<shape[3] {
            let (y0, y1, fy) = rows[r]
            let (x0, x1, fx) = cols[c]
            let p = { (yy: Int, xx: Int) in Double(x[n, yy, xx, ch]) }
            expected.values[expected.offset(n, r, c, ch)] =
              (1 - fy) * ((1 - fx) * p(y0, x0) + fx * p(y0, x1)) + fy
              * ((1 - fx) * p(y1, x0) + fx * p(y1, x1))
          }
        }
      }
    }
    let report = compare("resize", y, to: expected, tolerance: 1e-5)
    #expect(report.passes, "\(report)")
  }

  @Test func bilinearResizeByHalfAveragesEachTwoByTwoBlock() {
    var g = SplitMix64(seed: 2)
    let x = g.uniformTensor([1, 4, 6, 1])
    let y = BilinearResize(outputHeight: 2, outputWidth: 3)(x)
    let expected = AvgPool2D(window: (2, 2))(x)
    #expect(compare("half", y, to: ReferenceTensor(expected), tolerance: 1e-6).passes)
    #expect(BilinearResize(outputHeight: 4, outputWidth: 6)(x) == x)
  }

  @Test func alignedCornersKeepTheCornersAndInterpolateBetween() {
    // 2x3 to 3x5: rows sample 0, 0.5, 1 and columns 0, 0.5, 1, 1.5, 2 (dlib's resize_image).
    let x = Tensor(shape: [1, 2, 3, 1], scalars: [0, 2, 4, 10, 12, 20])
    let y = BilinearResize(outputHeight: 3, outputWidth: 5, sampling: .alignedCorners)(x)
    #expect(y.scalars == [0, 1, 2, 3, 4, 5, 6, 7, 9.5, 12, 10, 11, 12, 16, 20])
    // One output row or column samples the first input row or column.
    let single = BilinearResize(outputHeight: 1, outputWidth: 1, sampling: .alignedCorners)(x)
    #expect(single.scalars == [0])
  }

  @Test func affineSamplerFollowsDlibsBilinearRuleAndBlackBorder() {
    var g = SplitMix64(seed: 3)
    let (h, w) = (6, 7)
    let x = g.uniformTensor([2, h, w, 3], in: 0...255)
    let t = AffineTransform2D.similarity(scale: 1.2, angle: 0.4, offsetX: 1.5, offsetY: -0.7)
    let y = AffineSampler(transform: t, outputHeight: 5, outputWidth: 6)(x)
    var expected = ReferenceTensor(zeros: [2, 5, 6, 3])
    var black = 0
    for r in 0..<5 {
      for c in 0..<6 {
        let px = 1.2 * cos(0.4) * Double(c) - 1.2 * sin(0.4) * Double(r) + 1.5
        let py = 1.2 * sin(0.4) * Double(c) + 1.2 * cos(0.4) * Double(r) - 0.7
        let (left, top) = (Int(floor(px)), Int(floor(py)))
        guard left >= 0, top >= 0, left + 1 < w, top + 1 < h else {
          black += 1
          continue
        }
        let (fx, fy) = (px - Double(left), py - Double(top))
        for n in 0..<2 {
          for ch in 0..<3 {
            let p = { (yy: Int, xx: Int) in Double(x[n, yy, xx, ch]) }
            expected.values[expected.offset(n, r, c, ch)] =
              (1 - fy) * ((1 - fx) * p(top, left) + fx * p(top, left + 1))
              + fy * ((1 - fx) * p(top + 1, left) + fx * p(top + 1, left + 1))
          }
        }
      }
    }
    #expect(black > 0 && black < 30, "the case should have some black pixels, has \(black)")
    let report = compare("chip", y, to: expected, tolerance: 1e-5)
    #expect(report.passes, "\(report)")
  }

  @Test func affineSamplerIdentityBlacksOutTheLastRowAndColumn() {
    let x = Tensor(shape: [1, 2, 3, 1], scalars: [1, 2, 3, 4, 5, 6])
    let identity = AffineTransform2D(m00: 1, m01: 0, m10: 0, m11: 1, offsetX: 0, offsetY: 0)
    let y = AffineSampler(transform: identity, outputHeight: 2, outputWidth: 3)(x)
    #expect(y.scalars == [1, 2, 0, 0, 0, 0])
  }

  @Test func cropCutsTheBox() {
    let x = Tensor(shape: [1, 3, 4, 1], scalars: (0..<12).map(Float.init))
    let y = Crop(top: 1, left: 1, height: 2, width: 2)(x)
    #expect(y.shape == [1, 2, 2, 1] && y.scalars == [5, 6, 9, 10])
  }
}

@Suite struct ResamplingGradientTests {
  @Test func cropInputGradientMatchesFiniteDifferences() {
    var g = SplitMix64(seed: 4)
    let report = LayerGradientCheck.input(
      of: Crop(top: 1, left: 2, height: 3, width: 2), at: g.uniformTensor([2, 5, 5, 2]), seed: 5)
    #expect(report.passes, "\(report)")
  }

  @Test(arguments: [([2, 5, 4, 3], 7, 9), ([1, 9, 8, 2], 4, 3), ([2, 7, 5, 1], 5, 7)])
  func bilinearResizeInputGradientMatchesFiniteDifferences(_ shape: [Int], _ oh: Int, _ ow: Int) {
    var g = SplitMix64(seed: 6)
    let report = LayerGradientCheck.input(
      of: BilinearResize(outputHeight: oh, outputWidth: ow), at: g.uniformTensor(shape), seed: 7)
    #expect(report.passes, "\(report)")
  }

  @Test(arguments: [([1, 5, 4, 3], 9, 7), ([2, 9, 8, 2], 4, 3), ([1, 1, 5, 1], 3, 9)])
  func alignedCornersResizeInputGradientMatchesFiniteDifferences(
    _ shape: [Int], _ oh: Int, _ ow: Int
  ) {
    var g = SplitMix64(seed: 16)
    let report = LayerGradientCheck.input(
      of: BilinearResize(outputHeight: oh, outputWidth: ow, sampling: .alignedCorners),
      at: g.uniformTensor(shape), seed: 17)
    #expect(report.passes, "\(report)")
  }

  @Test(arguments: [(1.2, 0.4, 1.5, -0.7), (0.7, -0.2, 0.3, 0.9), (1, 0, 0.25, 0.5)])
  func affineSamplerInputGradientMatchesFiniteDifferences(
    _ scale: Double, _ angle: Double, _ dx: Double, _ dy: Double
  ) {
    var g = SplitMix64(seed: 8)
    let t = AffineTransform2D.similarity(scale: scale, angle: angle, offsetX: dx, offsetY: dy)
    let report = LayerGradientCheck.input(
      of: AffineSampler(transform: t, outputHeight: 5, outputWidth: 6),
      at: g.uniformTensor([2, 6, 7, 2]), seed: 9)
    #expect(report.passes, "\(report)")
  }
}
