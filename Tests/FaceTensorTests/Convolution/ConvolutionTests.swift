import FaceTestSupport
import Testing

@testable import FaceTensor

/// `Convolution.forward`, `inputGradient` and `parameterGradients` against naive Double loops, for
/// every padding mode, N = 2, with 1 and 2 threads, under every `ConvolutionPlan` strategy
/// (pointwise, tiles split within the threads, many tiles across the threads, including tiles
/// stretched to keep backward windows disjoint).
@Suite struct ConvolutionTests {
  struct Case: CustomStringConvertible, Sendable {
    let name: String
    let input: [Int]
    let kernel: [Int]
    let strides: (Int, Int)
    let dilations: (Int, Int)
    let padding: Padding
    var description: String { "\(name) x\(input) k\(kernel) s\(strides) d\(dilations) \(padding)" }

    /// The geometry of this case's convolution.
    var geometry: Conv2DGeometry {
      Conv2DGeometry(
        inputShape: input, kernelShape: kernel, strides: strides, dilations: dilations,
        padding: padding)
    }

    var pads: NaivePads {
      switch padding {
      case .valid: return .zero
      case .same:
        return .tensorFlowSame(
          height: input[1], width: input[2],
          effectiveKernel: (dilations.0 * (kernel[0] - 1) + 1, dilations.1 * (kernel[1] - 1) + 1),
          strides: strides)
      case .explicit(let t, let b, let l, let r):
        return NaivePads(top: t, bottom: b, left: l, right: r)
      }
    }
  }

  static let cases: [Case] = [
    Case(
      name: "small valid", input: [2, 9, 8, 3], kernel: [3, 3, 3, 4], strides: (1, 1),
      dilations: (1, 1), padding: .valid),
    Case(
      name: "small same s2", input: [2, 9, 9, 3], kernel: [3, 3, 3, 5], strides: (2, 2),
      dilations: (1, 1), padding: .same),
    Case(
      name: "small explicit", input: [2, 8, 7, 2], kernel: [3, 2, 2, 3], strides: (2, 1),
      dilations: (1, 2),
      padding: .explicit(top: 1, bottom: 2, left: 0, right: 1)),
    Case(
      name: "pointwise", input: [2, 12, 11, 16], kernel: [1, 1, 16, 24], strides: (1, 1),
      dilations: (1, 1), padding: .valid),
    Case(
      name: "pointwise same", input: [2, 12, 11, 16], kernel: [1, 1, 16, 24], strides: (1, 1),
      dilations: (1, 1), padding: .same),
    Case(
      name: "1x1 stride 2", input: [2, 12, 11, 8], kernel: [1, 1, 8, 12], strides: (2, 2),
      dilations: (1, 1), padding: .valid),
    Case(
      name: "tiled same", input: [2, 32, 32, 16], kernel: [3, 3, 16, 8], strides: (1, 1),
      dilations: (1, 1), padding: .same),
    Case(
      name: "tiled same s2 odd", input: [2, 63, 61, 16], kernel: [3, 3, 16, 8], strides: (2, 2),
      dilations: (1, 1), padding: .same),
    Case(
      name: "tiled dilated 7x7", input: [2, 42, 42, 4], kernel: [7, 7, 4, 6], strides: (1, 1),
      dilations: (2, 2), padding: .valid),
    Case(
      name: "tiled 7x7 s2 stem", input: [2, 90, 88, 3], kernel: [7, 7, 3, 8], strides: (2, 2),
      dilations: (1, 1),
      padding: .explicit(top: 3, bottom: 3, left: 3, right: 3)),
    Case(
      name: "taps 9x9 same", input: [2, 19, 14, 12], kernel: [9, 9, 12, 1], strides: (1, 1),
      dilations: (1, 1), padding: .explicit(top: 4, bottom: 4, left: 4, right: 4)),
    Case(
      name: "taps 5x3 valid", input: [2, 11, 9, 8], kernel: [5, 3, 8, 2], strides: (1, 1),
      dilations: (1, 1), padding: .valid),
    Case(
      name: "taps uneven pads, many tiles", input: [2, 48, 1000, 8], kernel: [5, 4, 8, 2],
      strides: (1, 1), dilations: (1, 1),
      padding: .explicit(top: 0, bottom: 2, left: 3, right: 1)),
  ]

  @Test(arguments: cases, [1, 2])
  func forwardMatchesNaiveLoop(_ c: Case, threads: Int) {
    var rng = SplitMix64(seed: 1)
    let x = rng.uniformTensor(c.input)
    let k = rng.uniformTensor(c.kernel)
    let b = rng.uniformTensor([c.kernel[3]])
    let g = c.geometry
    let y = Convolution.forward(x, kernel: k, bias: b, geometry: g, threads: threads)
    let expected = NaiveKernels.conv2D(
      input: x, kernel: k, bias: b, strides: c.strides, dilations: c.dilations, pads: c.pads)
    let report = compare("forward", y, to: expected, tolerance: 1e-5)
    #expect(report.passes, "\(c), \(threads) threads: \(report)")
  }

  @Test(arguments: cases, [1, 2])
  func inputGradientMatchesNaiveLoop(_ c: Case, threads: Int) {
    var rng = SplitMix64(seed: 2)
    let k = rng.uniformTensor(c.kernel)
    let g = c.geometry
    let dy = rng.uniformTensor(g.outputShape)
    let dx = Convolution.inputGradient(dy, kernel: k, geometry: g, threads: threads)
    let expected = NaiveKernels.conv2DInputGradient(
      outputGradient: dy, kernel: k, inputShape: c.input, strides: c.strides,
      dilations: c.dilations, pads: c.pads)
    let report = compare("input gradient", dx, to: expected, tolerance: 1e-5)
    #expect(report.passes, "\(c), \(threads) threads: \(report)")
  }

  @Test(arguments: cases, [1, 2])
  func parameterGradientsMatchNaiveLoop(_ c: Case, threads: Int) {
    var rng = SplitMix64(seed: 3)
    let x = rng.uniformTensor(c.input)
    let g = c.geometry
    let dy = rng.uniformTensor(g.outputShape)
    let (dk, db) = Convolution.parameterGradients(dy, input: x, geometry: g, threads: threads)
    let expected = NaiveKernels.conv2DParameterGradients(
      outputGradient: dy, input: x, kernelShape: c.kernel, strides: c.strides,
      dilations: c.dilations, pads: c.pads)
    // Each kernel gradient sums N·OH·OW products in Float: its rounding error grows like the
    // square root of that count (about 96,000 in the largest case).
    let kernelTolerance = 2e-5 * max(1, (Double(g.patchCount) / 10_000).squareRoot())
    let kernelReport = compare(
      "kernel gradient", dk, to: expected.kernel, tolerance: kernelTolerance)
    #expect(kernelReport.passes, "\(c), \(threads) threads: \(kernelReport)")
    let biasReport = compare("bias gradient", db, to: expected.bias, tolerance: 2e-5)
    #expect(biasReport.passes, "\(c), \(threads) threads: \(biasReport)")
  }

  /// The plans the cases above run: the tiled cases many tiles across two threads, the small
  /// ones tiles split within the threads, the pointwise ones one GEMM, the tap ones one GEMM per
  /// tile of rows (the last case many tiles, so they run across the threads); with one thread,
  /// tiles one after the other.
  @Test(arguments: cases)
  func casesCoverEveryStrategy(_ c: Case) {
    let g = c.geometry
    let plan = ConvolutionPlan(geometry: g, threads: 2)
    if c.name.hasPrefix("taps") {
      #expect(plan.strategy == .taps, "\(plan)")
      #expect(c.name.contains("many tiles") == (plan.tileCount >= 4), "\(plan)")
      return
    }
    if g.isPointwise {
      #expect(plan.strategy == .pointwise)
    } else if c.name.hasPrefix("tiled") {
      #expect(plan.strategy == .acrossTiles && plan.tileCount >= 4, "\(plan)")
    } else {
      #expect(plan.strategy == .withinTiles && plan.tileCount == 1, "\(plan)")
    }
    if !g.isPointwise {
      #expect(ConvolutionPlan(geometry: g, threads: 1).strategy == .acrossTiles)
    }
  }

  /// The filtered list below feeds a parameterised test, which passes vacuously when empty.
  @Test func someCasesAreTiled() {
    #expect(Self.cases.contains { $0.name.hasPrefix("tiled") })
  }

  /// A tap plan's tiles fit `TapConvolution.tileBytes` and cover the output rows.
  @Test func tapTilesFitAndCoverTheRows() {
    let g = Self.cases.first { $0.name.contains("many tiles") }!.geometry
    let rows = TapConvolution.rowsPerTile(for: g)
    let bytes = 4 * (rows + g.kernelHeight - 1) * g.inputWidth * TapConvolution.tapColumns(g)
    #expect(bytes <= TapConvolution.tileBytes && rows >= g.kernelHeight - 1)
    let tiles = TapConvolution.rowTiles(height: g.outputHeight, rows: rows, batch: g.batch)
    for image in 0..<g.batch {
      let covered = tiles.filter { $0.image == image }.flatMap { Array($0.rows) }
      #expect(covered == Array(0..<g.outputHeight))
    }
  }

  /// Tiles cover the patch rows exactly, and tiles two apart read disjoint input rows (what the
  /// input gradient's two waves rely on).
  @Test(arguments: cases.filter { $0.name.hasPrefix("tiled") })
  func tilesCoverTheRowsAndTilesTwoApartReadDisjointInputRows(_ c: Case) {
    let g = c.geometry
    let plan = ConvolutionPlan(geometry: g, threads: 2)
    let tiles = (0..<plan.tileCount).map(plan.rows(ofTile:))
    #expect(tiles.first?.lowerBound == 0 && tiles.last?.upperBound == g.patchCount)
    #expect(zip(tiles, tiles.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
    /// The input rows (image, row) the patch rows `rows` read.
    func inputRows(_ rows: Range<Int>) -> Set<Int> {
      var read = Set<Int>()
      for r in rows {
        let (n, p) = r.quotientAndRemainder(dividingBy: g.outputHeight * g.outputWidth)
        let oh = p / g.outputWidth
        for kh in 0..<g.kernelHeight {
          read.insert(n * 1000 + oh * g.strideY - g.padTop + kh * g.dilationY)
        }
      }
      return read
    }
    for t in 0..<(plan.tileCount - 2) {
      #expect(inputRows(tiles[t]).isDisjoint(with: inputRows(tiles[t + 2])), "tiles \(t), \(t + 2)")
    }
  }

  @Test func sameStrideTwoOutputIsCeilOfInputOverStride() {
    for size in 5...12 {
      let g = Conv2DGeometry(
        inputShape: [1, size, size, 1], kernelShape: [3, 3, 1, 1], strides: (2, 2), padding: .same)
      #expect(g.outputHeight == (size + 1) / 2)
      #expect(
        g.padBottom - g.padTop == (g.padTop + g.padBottom) % 2, "odd padding goes to the bottom")
    }
  }
}
