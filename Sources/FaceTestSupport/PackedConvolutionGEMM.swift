import FaceTensor

/// A convolution's forward GEMM on its im2col matrix, packed once, so that benchmarks can time
/// the GEMM alone against the whole convolution.
public final class PackedConvolutionGEMM {
  /// The convolution's geometry.
  public let geometry: Conv2DGeometry
  /// The im2col matrix `[patchCount, patchLength]`, row-major.
  public let columns: [Float]
  private let kernel: Tensor
  private var output: [Float]

  /// Packs `input` (`geometry.inputShape`) for the convolution with `kernel` (HWIO).
  public init(input: Tensor, kernel: Tensor, geometry: Conv2DGeometry) {
    var columns = [Float](repeating: 0, count: geometry.patchCount * geometry.patchLength)
    input.withUnsafeBufferPointer { x in
      columns.withUnsafeMutableBufferPointer {
        Im2col.pack(
          x.baseAddress!, geometry: geometry, rows: 0..<geometry.patchCount, into: $0.baseAddress!)
      }
    }
    self.geometry = geometry
    self.columns = columns
    self.kernel = kernel
    output = [Float](repeating: 0, count: geometry.patchCount * geometry.outputChannels)
  }

  /// One forward GEMM, `columns · kernel`, into a buffer kept between runs.
  public func run() {
    let g = geometry
    columns.withUnsafeBufferPointer { a in
      kernel.withUnsafeBufferPointer { b in
        output.withUnsafeMutableBufferPointer { c in
          gemm(
            m: g.patchCount, n: g.outputChannels, k: g.patchLength, a: a.baseAddress!,
            lda: g.patchLength, b: b.baseAddress!, ldb: g.outputChannels, c: c.baseAddress!,
            ldc: g.outputChannels)
        }
      }
    }
  }
}
