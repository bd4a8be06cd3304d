import FaceTensor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A 2-D affine map of pixel coordinates.
///
/// `(x, y) = (m00·c + m01·r + offsetX, m10·c + m11·r + offsetY)` for a point at column `c`,
/// row `r`. In double precision, as dlib's `point_transform_affine`.
public struct AffineTransform2D: Sendable, Equatable {
  /// `∂x/∂c`.
  public var m00: Double
  /// `∂x/∂r`.
  public var m01: Double
  /// `∂y/∂c`.
  public var m10: Double
  /// `∂y/∂r`.
  public var m11: Double
  /// `x` of the output pixel (0, 0), in input pixels.
  public var offsetX: Double
  /// `y` of the output pixel (0, 0), in input pixels.
  public var offsetY: Double

  /// The map `(c, r) ↦ M · (c, r) + (offsetX, offsetY)` with `M = [[m00, m01], [m10, m11]]`.
  public init(m00: Double, m01: Double, m10: Double, m11: Double, offsetX: Double, offsetY: Double)
  {
    (self.m00, self.m01, self.m10, self.m11) = (m00, m01, m10, m11)
    (self.offsetX, self.offsetY) = (offsetX, offsetY)
  }

  /// The similarity that scales by `scale`, rotates by `angle` (radians, counter-clockwise in
  /// x-right/y-down pixel axes as dlib's `rotate_point`) and then translates.
  public static func similarity(scale: Double, angle: Double, offsetX: Double, offsetY: Double)
    -> AffineTransform2D
  {
    let (cosine, sine) = (scale * cos(angle), scale * sin(angle))
    return AffineTransform2D(
      m00: cosine, m01: -sine, m10: sine, m11: cosine, offsetX: offsetX, offsetY: offsetY)
  }

  /// The image of the point at column `c`, row `r`.
  @inline(__always)
  public func apply(column c: Double, row r: Double) -> (x: Double, y: Double) {
    (m00 * c + m01 * r + offsetX, m10 * c + m11 * r + offsetY)
  }
}

/// Bilinear sampling of every image of an NHWC batch through a fixed affine map, with dlib's
/// `extract_image_chip` semantics (its `transform_image` with `interpolate_bilinear`).
///
/// Output pixel (column `c`, row `r`) samples the input at `(x, y) = transform.apply(c, r)`, with
/// no rounding: `x0 = floor(x)`, `y0 = floor(y)`, `fx = x - x0`, `fy = y - y0`. If `x0 < 0`,
/// `y0 < 0`, `x0 + 1 >= W` or `y0 + 1 >= H` the output pixel is 0 (black) on every channel;
/// otherwise `y = (1-fy)((1-fx) p(x0,y0) + fx p(x0+1,y0)) + fy((1-fx) p(x0,y0+1) + fx p(x0+1,y0+1))`.
///
/// Backward (the adjoint, with respect to the image only; the map is fixed): each output gradient
/// is scattered to its four input pixels with the same weights. The same map is used for every
/// image of the batch.
public struct AffineSampler: Layer {
  /// Output pixel → input point.
  public let transform: AffineTransform2D
  /// `OH`.
  public let outputHeight: Int
  /// `OW`.
  public let outputWidth: Int

  /// - Precondition: both sizes are at least 1.
  public init(transform: AffineTransform2D, outputHeight: Int, outputWidth: Int) {
    precondition(
      outputHeight >= 1 && outputWidth >= 1, "[AffineSampler] size \(outputHeight)x\(outputWidth)")
    self.transform = transform
    self.outputHeight = outputHeight
    self.outputWidth = outputWidth
  }

  /// `[N, OH, OW, C]` for `[N, H, W, C]`.
  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition(input.rank == 4, "[AffineSampler] input must be NHWC, got \(input.shape)")
    let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let taps = taps(height: h, width: w)
    let pixels = outputHeight * outputWidth
    return input.withUnsafeBufferPointer { x in
      Tensor(shape: [n, outputHeight, outputWidth, c]) { y in
        for b in 0..<n {
          let image = x.baseAddress! + b * h * w * c
          for p in 0..<pixels {
            let o = (b * pixels + p) * c
            let tap = taps[p]
            guard tap.offset >= 0 else {
              for j in 0..<c { y[o + j] = 0 }
              continue
            }
            let (fx, fy) = (tap.fx, tap.fy)
            let top = image + tap.offset * c
            let bottom = top + w * c
            for j in 0..<c {
              y[o + j] =
                (1 - fy) * ((1 - fx) * top[j] + fx * top[c + j])
                + fy * ((1 - fx) * bottom[j] + fx * bottom[c + j])
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
    let taps = taps(height: inputShape[1], width: inputShape[2])
    let pixels = outputHeight * outputWidth
    let outputShape = [inputShape[0], outputHeight, outputWidth, inputShape[3]]
    return (
      self(input),
      { dy in
        precondition(
          dy.shape == outputShape,
          "[AffineSampler backward] gradient \(dy.shape), output \(outputShape)")
        let (n, h, w, c) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        var dx = Tensor(zeros: inputShape)
        dy.withUnsafeBufferPointer { g in
          dx.withUnsafeMutableBufferPointer { d in
            for b in 0..<n {
              let image = d.baseAddress! + b * h * w * c
              for p in 0..<pixels where taps[p].offset >= 0 {
                let o = (b * pixels + p) * c
                let (fx, fy) = (taps[p].fx, taps[p].fy)
                let top = image + taps[p].offset * c
                let bottom = top + w * c
                for j in 0..<c {
                  let v = g[o + j]
                  top[j] += (1 - fy) * (1 - fx) * v
                  top[c + j] += (1 - fy) * fx * v
                  bottom[j] += fy * (1 - fx) * v
                  bottom[c + j] += fy * fx * v
                }
              }
            }
          }
        }
        return (dx, nil)
      }
    )
  }

  /// One bilinear sample: the pixel index `y0 · W + x0` of its top-left neighbour (-1 when the
  /// output pixel is black) and the fractional offsets.
  struct Tap {
    let offset: Int
    let fx: Float
    let fy: Float
  }

  /// The sample of every output pixel, row-major, for an input of `height × width`.
  func taps(height: Int, width: Int) -> [Tap] {
    var taps = [Tap]()
    taps.reserveCapacity(outputHeight * outputWidth)
    for r in 0..<outputHeight {
      for c in 0..<outputWidth {
        let (x, y) = transform.apply(column: Double(c), row: Double(r))
        let (left, top) = (x.rounded(.down), y.rounded(.down))
        guard left >= 0, top >= 0, left + 1 < Double(width), top + 1 < Double(height) else {
          taps.append(Tap(offset: -1, fx: 0, fy: 0))
          continue
        }
        taps.append(
          Tap(offset: Int(top) * width + Int(left), fx: Float(x - left), fy: Float(y - top)))
      }
    }
    return taps
  }
}
