import FaceTensor

/// Bilinear resize of every image of an NHWC batch to `outputHeight × outputWidth`.
///
/// Mapping (rows; columns alike): output row `r` samples input row `sy`, between rows
/// `y0 = floor(sy)` and `y1 = min(y0 + 1, H - 1)` with weight `wy = sy - y0` on `y1`;
/// `y[r, c] = (1 - wy)((1 - wx) x[y0, x0] + wx x[y0, x1]) + wy((1 - wx) x[y1, x0] + wx x[y1, x1])`.
/// Where `sy` lies depends on `sampling`:
/// - `.halfPixelCentres` (the default): `sy = clamp((r + 0.5) · H / OH - 0.5, 0, H - 1)`, as
///   OpenCV's `INTER_LINEAR` (on float images) and TensorFlow's `resize(..., method: bilinear,
///   half_pixel_centers: true)` compute it;
/// - `.alignedCorners`: `sy = r · (H - 1) / max(OH - 1, 1)`, the first and last rows of input
///   and output coincide, as dlib's `resize_image` (bilinear) computes it.
///
/// Backward (the adjoint of the interpolation): each output gradient is scattered to its four
/// input pixels with the same weights. NOTE: OpenCV interpolates 8-bit images in fixed point
/// (11-bit weights); on float data the results agree to rounding.
public struct BilinearResize: Layer {
  /// Where an output pixel samples the input.
  public enum Sampling: Sendable, Equatable {
    /// Pixel centres at half-integers, scale `H / OH`, clamped at the edges (OpenCV, TensorFlow).
    case halfPixelCentres
    /// First and last pixels aligned, scale `(H - 1) / (OH - 1)` (dlib).
    case alignedCorners
  }

  /// `OH`.
  public let outputHeight: Int
  /// `OW`.
  public let outputWidth: Int
  /// Where an output pixel samples the input.
  public let sampling: Sampling

  /// A resize to `outputHeight × outputWidth` with the given sampling.
  ///
  /// - Precondition: both sizes are at least 1.
  public init(outputHeight: Int, outputWidth: Int, sampling: Sampling = .halfPixelCentres) {
    precondition(
      outputHeight >= 1 && outputWidth >= 1, "[BilinearResize] size \(outputHeight)x\(outputWidth)")
    self.outputHeight = outputHeight
    self.outputWidth = outputWidth
    self.sampling = sampling
  }

  /// `[N, OH, OW, C]` for `[N, H, W, C]`.
  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition(
      input.rank == 4 && input.shape[1] >= 1 && input.shape[2] >= 1,
      "[BilinearResize] input must be NHWC, got \(input.shape)")
    let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let rows = BilinearTaps(input: h, output: outputHeight, sampling: sampling)
    let cols = BilinearTaps(input: w, output: outputWidth, sampling: sampling)
    let (oh, ow) = (outputHeight, outputWidth)
    return input.withUnsafeBufferPointer { x in
      Tensor(shape: [n, oh, ow, c]) { y in
        ElementLoop.forEachChunk(n * oh, work: y.count * 4) { outputRows in
          for nr in outputRows {
            let b = nr / oh
            let r = nr - b * oh
            let wy = rows.weight[r]
            let top = x.baseAddress! + ((b * h + rows.low[r]) * w) * c
            let bottom = x.baseAddress! + ((b * h + rows.high[r]) * w) * c
            for col in 0..<ow {
              let wx = cols.weight[col]
              let (x0, x1) = (cols.low[col] * c, cols.high[col] * c)
              let o = (nr * ow + col) * c
              for j in 0..<c {
                let upper = (1 - wx) * top[x0 + j] + wx * top[x1 + j]
                let lower = (1 - wx) * bottom[x0 + j] + wx * bottom[x1 + j]
                y[o + j] = (1 - wy) * upper + wy * lower
              }
            }
          }
        }
      }
    }
  }

  /// The forward pass and its pullback (see the type's doc for the backward formula).
  public func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (value: Tensor, pullback: Pullback<NoParameters>)
  {
    let inputShape = input.shape
    let (oh, ow, sampling) = (outputHeight, outputWidth, sampling)
    return (
      self(input),
      { dy in
        let (n, h, w, c) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        precondition(dy.shape == [n, oh, ow, c], "[BilinearResize backward] gradient \(dy.shape)")
        let rows = BilinearTaps(input: h, output: oh, sampling: sampling)
        let cols = BilinearTaps(input: w, output: ow, sampling: sampling)
        var dx = Tensor(zeros: inputShape)
        dy.withUnsafeBufferPointer { g in
          dx.withUnsafeMutableBufferPointer { d in
            let d = d
            // Images write disjoint parts of dx.
            ElementLoop.forEachChunk(n, work: dy.count * 4) { images in
              for b in images {
                for r in 0..<oh {
                  let wy = rows.weight[r]
                  let top = d.baseAddress! + ((b * h + rows.low[r]) * w) * c
                  let bottom = d.baseAddress! + ((b * h + rows.high[r]) * w) * c
                  for col in 0..<ow {
                    let wx = cols.weight[col]
                    let (x0, x1) = (cols.low[col] * c, cols.high[col] * c)
                    let o = ((b * oh + r) * ow + col) * c
                    for j in 0..<c {
                      let v = g[o + j]
                      top[x0 + j] += (1 - wy) * (1 - wx) * v
                      top[x1 + j] += (1 - wy) * wx * v
                      bottom[x0 + j] += wy * (1 - wx) * v
                      bottom[x1 + j] += wy * wx * v
                    }
                  }
                }
              }
            }
          }
        }
        return (dx, nil)
      }
    )
  }
}

/// The two source indices and the weight of the second for every output coordinate of one axis
/// of a bilinear resize.
struct BilinearTaps {
  /// `floor(s)` per output coordinate.
  let low: [Int]
  /// `min(low + 1, in - 1)`.
  let high: [Int]
  /// `s - low`: the weight of `high`.
  let weight: [Float]

  init(input: Int, output: Int, sampling: BilinearResize.Sampling) {
    let scale =
      sampling == .halfPixelCentres
      ? Double(input) / Double(output) : Double(input - 1) / Double(max(output - 1, 1))
    var low = [Int]()
    var high = [Int]()
    var weight = [Float]()
    for o in 0..<output {
      let s =
        sampling == .halfPixelCentres
        ? min(max((Double(o) + 0.5) * scale - 0.5, 0), Double(input - 1))
        : min(Double(o) * scale, Double(input - 1))
      let i0 = Int(s.rounded(.down))
      low.append(i0)
      high.append(min(i0 + 1, input - 1))
      weight.append(Float(s - Double(i0)))
    }
    (self.low, self.high, self.weight) = (low, high, weight)
  }
}
