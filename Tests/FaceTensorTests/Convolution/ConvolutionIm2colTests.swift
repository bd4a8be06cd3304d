import FaceTensor
import FaceTestSupport
import Testing

/// `Im2col.accumulate` is the adjoint of `Im2col.pack`: `<pack(x), Y> = <x, accumulate(Y)>` for
/// every x and Y, over a grid of kernels, strides, dilations and paddings.
@Suite struct ConvolutionIm2colTests {
  struct Case: CustomStringConvertible, Sendable {
    let input: [Int]
    let kernel: (Int, Int)
    let strides: (Int, Int)
    let dilations: (Int, Int)
    let padding: Padding
    var description: String { "x\(input) k\(kernel) s\(strides) d\(dilations) \(padding)" }
  }

  static let grid: [Case] = {
    var cases: [Case] = []
    let paddings: [Padding] = [.valid, .same, .explicit(top: 2, bottom: 0, left: 1, right: 3)]
    for kernel in [(1, 1), (3, 3), (2, 3), (5, 5)] {
      for strides in [(1, 1), (2, 2), (1, 3)] {
        for dilations in [(1, 1), (2, 2)] {
          for padding in paddings {
            let effective = (dilations.0 * (kernel.0 - 1) + 1, dilations.1 * (kernel.1 - 1) + 1)
            let input = [2, max(7, effective.0), max(8, effective.1), 3]
            cases.append(
              Case(
                input: input, kernel: kernel, strides: strides, dilations: dilations,
                padding: padding))
          }
        }
      }
    }
    return cases
  }()

  @Test(arguments: grid)
  func col2imIsTheAdjointOfIm2col(_ c: Case) {
    let g = Conv2DGeometry(
      inputShape: c.input, kernelShape: [c.kernel.0, c.kernel.1, c.input[3], 1], strides: c.strides,
      dilations: c.dilations, padding: c.padding)
    var rng = SplitMix64(seed: 1)
    let x = rng.uniformTensor(c.input)
    let y = rng.uniformTensor([g.patchCount, g.patchLength])
    var cols = [Float](repeating: .nan, count: g.patchCount * g.patchLength)
    var back = Tensor(zeros: c.input)
    x.withUnsafeBufferPointer { xp in
      cols.withUnsafeMutableBufferPointer { cp in
        // Two row blocks, to cover offsets within the matrix.
        let half = g.patchCount / 2
        Im2col.pack(xp.baseAddress!, geometry: g, rows: 0..<half, into: cp.baseAddress!)
        Im2col.pack(
          xp.baseAddress!, geometry: g, rows: half..<g.patchCount,
          into: cp.baseAddress! + half * g.patchLength)
      }
    }
    y.withUnsafeBufferPointer { yp in
      back.withUnsafeMutableBufferPointer { bp in
        Im2col.accumulate(
          yp.baseAddress!, geometry: g, rows: 0..<g.patchCount, into: bp.baseAddress!)
      }
    }
    #expect(!cols.contains { $0.isNaN }, "pack left elements unwritten")
    let lhs = Tensor(shape: [g.patchCount, g.patchLength], scalars: cols).dot(y)
    let rhs = x.dot(back)
    #expect(
      abs(lhs - rhs) <= 1e-9 * max(1, abs(lhs)) + 1e-4,
      "\(c): <pack x, y> = \(lhs), <x, col2im y> = \(rhs)")
  }
}
