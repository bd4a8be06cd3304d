import FaceTensor

/// dlib's `pyramid_down<2>` on float images, differentiable: a 5x5 binomial blur
/// `[1 4 6 4 1]^T [1 4 6 4 1] / 256` and halving, on every image and channel of an NHWC batch.
///
/// Forward: `[N, H, W, C]` becomes `[N, (H - 3) / 2, (W - 3) / 2, C]` (integer division) with
/// `y[n, i, j, k] = Σ_{a, b = 0...4} w[a] w[b] x[n, 2i + a, 2j + b, k] / 256`, `w = (1, 4, 6, 4, 1)`;
/// only full windows are used (no border handling). Images with 8 or fewer rows or columns give
/// an empty image (`[N, 0, 0, C]`), as in dlib.
/// Backward (the adjoint): `dx[n, 2i + a, 2j + b, k] += w[a] w[b] dy[n, i, j, k] / 256`.
///
/// NOTE: dlib's own `pyramid_down` on 8-bit images (`DlibImagePyramid.down`) divides the integer
/// sum by 256 with a floor; this layer does not round. On 8-bit input its sums are exact in
/// `Float` (at most 65,280), so one level of this layer equals dlib's level before the floor:
/// the two differ by the dropped fraction only, less than one level per pixel and 0.5 on average.
public struct DlibPyramidDown: Layer {
  /// The layer (it has no parameters).
  public init() {}

  /// The taps `(1, 4, 6, 4, 1)` of either axis.
  private static let taps: [Float] = [1, 4, 6, 4, 1]

  /// `[N, (H - 3) / 2, (W - 3) / 2, C]`, or `[N, 0, 0, C]` when `H <= 8` or `W <= 8`.
  static func outputShape(forInputShape shape: [Int]) -> [Int] {
    let (h, w) = (shape[1], shape[2])
    guard h > 8, w > 8 else { return [shape[0], 0, 0, shape[3]] }
    return [shape[0], (h - 3) / 2, (w - 3) / 2, shape[3]]
  }

  /// `[N, (H - 3) / 2, (W - 3) / 2, C]` for `[N, H, W, C]`.
  /// - Precondition: the input has rank 4.
  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition(input.rank == 4, "[DlibPyramidDown] input must be NHWC, got \(input.shape)")
    let outputShape = Self.outputShape(forInputShape: input.shape)
    let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (oh, ow) = (outputShape[1], outputShape[2])
    guard oh > 0, ow > 0 else { return Tensor(zeros: outputShape) }
    let rowLength = ow * c
    // rows[n, r, j, k] = Σ_b w[b] x[n, r, 2j + b, k]: the horizontal pass on every input row.
    var rows = [Float](repeating: 0, count: n * h * rowLength)
    input.withUnsafeBufferPointer { x in
      rows.withUnsafeMutableBufferPointer { t in
        let t = UnsafeSendable(t.baseAddress!)
        Parallel.forEachChunk(of: n * h) { range in
          for row in range {
            let source = x.baseAddress! + row * w * c
            let target = t.pointer + row * rowLength
            for j in 0..<ow {
              for (b, weight) in Self.taps.enumerated() {
                let pixel = source + (2 * j + b) * c
                for k in 0..<c { target[j * c + k] += weight * pixel[k] }
              }
            }
          }
        }
      }
    }
    // y[n, i, j, k] = Σ_a w[a] rows[n, 2i + a, j, k] / 256: the vertical pass.
    var output = Tensor(zeros: outputShape)
    rows.withUnsafeBufferPointer { t in
      output.withUnsafeMutableBufferPointer { y in
        let y = UnsafeSendable(y.baseAddress!)
        Parallel.forEachChunk(of: n * oh) { range in
          for outputRow in range {
            let (image, i) = (outputRow / oh, outputRow % oh)
            let target = y.pointer + outputRow * rowLength
            for (a, weight) in Self.taps.enumerated() {
              let source = t.baseAddress! + (image * h + 2 * i + a) * rowLength
              for e in 0..<rowLength { target[e] += weight * source[e] }
            }
            for e in 0..<rowLength { target[e] *= 1 / 256 }
          }
        }
      }
    }
    return output
  }

  /// The level and its pullback, the adjoint above (nothing is kept but the input's shape).
  public func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (value: Tensor, pullback: Pullback<NoParameters>)
  {
    let inputShape = input.shape
    let outputShape = Self.outputShape(forInputShape: inputShape)
    return (
      self(input),
      { dy in
        precondition(
          dy.shape == outputShape,
          "[DlibPyramidDown backward] gradient \(dy.shape), output \(outputShape)")
        return (Self.adjoint(dy, inputShape: inputShape), nil)
      }
    )
  }

  /// The transpose of the forward map: vertical pass transposed, then horizontal.
  private static func adjoint(_ dy: Tensor, inputShape: [Int]) -> Tensor {
    let (n, h, w, c) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
    let (oh, ow) = (dy.shape[1], dy.shape[2])
    var dx = Tensor(zeros: inputShape)
    guard oh > 0, ow > 0 else { return dx }
    let rowLength = ow * c
    // dRows[n, 2i + a, j, k] += w[a] dy[n, i, j, k] / 256; images are independent.
    var dRows = [Float](repeating: 0, count: n * h * rowLength)
    dy.withUnsafeBufferPointer { g in
      dRows.withUnsafeMutableBufferPointer { t in
        let t = UnsafeSendable(t.baseAddress!)
        Parallel.forEachChunk(of: n) { images in
          for image in images {
            for i in 0..<oh {
              let source = g.baseAddress! + (image * oh + i) * rowLength
              for (a, weight) in taps.enumerated() {
                let target = t.pointer + (image * h + 2 * i + a) * rowLength
                let scale = weight / 256
                for e in 0..<rowLength { target[e] += scale * source[e] }
              }
            }
          }
        }
      }
    }
    // dx[n, r, 2j + b, k] += w[b] dRows[n, r, j, k]; rows are independent.
    dRows.withUnsafeBufferPointer { t in
      dx.withUnsafeMutableBufferPointer { d in
        let d = UnsafeSendable(d.baseAddress!)
        Parallel.forEachChunk(of: n * h) { range in
          for row in range {
            let source = t.baseAddress! + row * rowLength
            let target = d.pointer + row * w * c
            for j in 0..<ow {
              for (b, weight) in taps.enumerated() {
                let pixel = target + (2 * j + b) * c
                for k in 0..<c { pixel[k] += weight * source[j * c + k] }
              }
            }
          }
        }
      }
    }
    return dx
  }
}
