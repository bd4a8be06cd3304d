import FaceTensor

/// How a pooling layer reduces each window of input pixels to one output pixel, with the
/// reduction's backward pass (`MaxPooling`, `AveragePooling`).
public protocol PoolingReduction: Sendable {
  /// `[N, OH, OW, C]`: every window of `input` `[N, H, W, C]` reduced (inference mode).
  static func pool(_ input: Tensor, geometry g: PoolingGeometry) -> Tensor

  /// The pooled input and its pullback to the input.
  static func poolWithPullback(_ input: Tensor, geometry g: PoolingGeometry)
    -> (value: Tensor, pullback: Pullback<NoParameters>)
}

/// Pooling over NHWC windows with the reduction `Reduction` (see `MaxPool2D`, `AvgPool2D`);
/// `PoolingGeometry` gives the sizes and padding rules.
///
/// There are no parameters.
public struct Pool2D<Reduction: PoolingReduction>: Layer {
  /// `(KH, KW)`.
  public let window: (Int, Int)
  /// `(sy, sx)`.
  public let strides: (Int, Int)
  /// `.valid`, `.same` (TensorFlow) or `.explicit`.
  public let padding: Padding
  /// Output-size rule for `.valid`/`.explicit` padding (`.ceil` for Caffe-trained MTCNN).
  public let rounding: PoolingRounding

  /// - Parameters:
  ///   - window: `(KH, KW)`.
  ///   - strides: `(sy, sx)`; defaults to the window.
  public init(
    window: (Int, Int), strides: (Int, Int)? = nil, padding: Padding = .valid,
    rounding: PoolingRounding = .floor
  ) {
    self.window = window
    self.strides = strides ?? window
    self.padding = padding
    self.rounding = rounding
  }

  /// The geometry for an input `[N, H, W, C]`.
  public func geometry(forInputShape shape: [Int]) -> PoolingGeometry {
    PoolingGeometry(
      inputShape: shape, window: window, strides: strides, padding: padding, rounding: rounding)
  }

  /// `[N, OH, OW, C]` for `[N, H, W, C]`.
  public func callAsFunction(_ input: Tensor) -> Tensor {
    Reduction.pool(input, geometry: geometry(forInputShape: input.shape))
  }

  /// The forward pass and its pullback (see `Reduction` for the backward formula).
  public func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (value: Tensor, pullback: Pullback<NoParameters>)
  {
    Reduction.poolWithPullback(input, geometry: geometry(forInputShape: input.shape))
  }
}

/// Max pooling over NHWC windows (`MaxPooling`).
public typealias MaxPool2D = Pool2D<MaxPooling>

/// Average pooling over NHWC windows (`AveragePooling`).
public typealias AvgPool2D = Pool2D<AveragePooling>

/// The reduction of `MaxPool2D`.
///
/// Forward: `y[n, oh, ow, c] = max` over the window's input pixels; padding positions never win
/// (as if -inf). Backward: `dy` goes to the pixel that won (the first one in row-major window order
/// on ties), summed where windows overlap. The pullback keeps the winners' indices, not the input.
public enum MaxPooling: PoolingReduction {
  /// `[N, OH, OW, C]`: the maximum of every window.
  public static func pool(_ input: Tensor, geometry g: PoolingGeometry) -> Tensor {
    forward(input, geometry: g, winners: nil)
  }

  /// The maxima and their pullback (see the type's doc for the backward formula).
  public static func poolWithPullback(_ input: Tensor, geometry g: PoolingGeometry)
    -> (value: Tensor, pullback: Pullback<NoParameters>)
  {
    let count = Tensor.elementCount(of: g.outputShape)
    var winners = [Int](repeating: 0, count: count)
    let output = winners.withUnsafeMutableBufferPointer {
      forward(input, geometry: g, winners: $0.baseAddress!)
    }
    return (
      output,
      { dy in
        precondition(
          dy.shape == g.outputShape,
          "[MaxPool2D backward] gradient \(dy.shape), output \(g.outputShape)")
        var dx = Tensor(zeros: g.inputShape)
        let perImage = count / max(g.batch, 1)
        dy.withUnsafeBufferPointer { gy in
          dx.withUnsafeMutableBufferPointer { d in
            let d = d
            winners.withUnsafeBufferPointer { w in
              // Images write disjoint parts of dx.
              ElementLoop.forEachChunk(g.batch, work: count) { images in
                for i in (images.lowerBound * perImage)..<(images.upperBound * perImage) {
                  d[w[i]] += gy[i]
                }
              }
            }
          }
        }
        return (dx, nil)
      }
    )
  }

  /// The forward pass; with `winners`, also writes each output's winning flat input index.
  private static func forward(
    _ input: Tensor, geometry g: PoolingGeometry, winners: UnsafeMutablePointer<Int>?
  ) -> Tensor {
    let c = g.channels
    return input.withUnsafeBufferPointer { x in
      Tensor(shape: g.outputShape) { y in
        ElementLoop.forEachChunk(g.batch * g.outputHeight, work: y.count * 4) { outputRows in
          for nr in outputRows {
            let n = nr / g.outputHeight
            let oh = nr - n * g.outputHeight
            let rows = g.inputRows(forOutputRow: oh)
            for ow in 0..<g.outputWidth {
              let cols = g.inputColumns(forOutputColumn: ow)
              let o = (nr * g.outputWidth + ow) * c
              let first =
                ((n * g.inputHeight + rows.lowerBound) * g.inputWidth + cols.lowerBound) * c
              let out = y.baseAddress! + o
              out.update(from: x.baseAddress! + first, count: c)
              if let winners {
                for j in 0..<c { winners[o + j] = first + j }
                for ih in rows {
                  for iw in cols {
                    let p = ((n * g.inputHeight + ih) * g.inputWidth + iw) * c
                    for j in 0..<c where x[p + j] > y[o + j] {
                      y[o + j] = x[p + j]
                      winners[o + j] = p + j
                    }
                  }
                }
              } else {
                for ih in rows {
                  for iw in cols {
                    let pixel = x.baseAddress! + ((n * g.inputHeight + ih) * g.inputWidth + iw) * c
                    for j in 0..<c { out[j] = max(out[j], pixel[j]) }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}

/// The reduction of `AvgPool2D`.
///
/// Forward: `y[n, oh, ow, c]` = the mean of the window's **input** pixels: padding positions are
/// not counted (TensorFlow/Keras 'same' semantics; Caffe's AVE pooling would count the padding
/// inside `pad`, which no model here uses; dlib's average pools have no padding).
/// Backward: each input pixel of a window receives `dy / (pixels in the window)`.
public enum AveragePooling: PoolingReduction {
  /// `[N, OH, OW, C]`: the mean of every window.
  public static func pool(_ input: Tensor, geometry g: PoolingGeometry) -> Tensor {
    let c = g.channels
    return input.withUnsafeBufferPointer { x in
      Tensor(shape: g.outputShape) { y in
        ElementLoop.forEachChunk(g.batch * g.outputHeight, work: y.count * 4) { outputRows in
          for nr in outputRows {
            let n = nr / g.outputHeight
            let rows = g.inputRows(forOutputRow: nr - n * g.outputHeight)
            for ow in 0..<g.outputWidth {
              let cols = g.inputColumns(forOutputColumn: ow)
              let o = (nr * g.outputWidth + ow) * c
              for j in 0..<c { y[o + j] = 0 }
              for ih in rows {
                for iw in cols {
                  let p = ((n * g.inputHeight + ih) * g.inputWidth + iw) * c
                  for j in 0..<c { y[o + j] += x[p + j] }
                }
              }
              let scale = 1 / Float(rows.count * cols.count)
              for j in 0..<c { y[o + j] *= scale }
            }
          }
        }
      }
    }
  }

  /// The means and their pullback (see the type's doc for the backward formula).
  public static func poolWithPullback(_ input: Tensor, geometry g: PoolingGeometry)
    -> (value: Tensor, pullback: Pullback<NoParameters>)
  {
    return (
      pool(input, geometry: g),
      { dy in
        precondition(
          dy.shape == g.outputShape,
          "[AvgPool2D backward] gradient \(dy.shape), output \(g.outputShape)")
        let c = g.channels
        var dx = Tensor(zeros: g.inputShape)
        dy.withUnsafeBufferPointer { gy in
          dx.withUnsafeMutableBufferPointer { d in
            let d = d
            // Images write disjoint parts of dx.
            ElementLoop.forEachChunk(g.batch, work: dy.count * 4) { images in
              for n in images {
                for oh in 0..<g.outputHeight {
                  let rows = g.inputRows(forOutputRow: oh)
                  for ow in 0..<g.outputWidth {
                    let cols = g.inputColumns(forOutputColumn: ow)
                    let o = ((n * g.outputHeight + oh) * g.outputWidth + ow) * c
                    let scale = 1 / Float(rows.count * cols.count)
                    for ih in rows {
                      for iw in cols {
                        let p = ((n * g.inputHeight + ih) * g.inputWidth + iw) * c
                        for j in 0..<c { d[p + j] += gy[o + j] * scale }
                      }
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

/// Global average pooling: `y[n, c] = mean_{h, w} x[n, h, w, c]`, `[N, H, W, C]` → `[N, C]`
/// (Keras `GlobalAveragePooling2D`; dlib's `avg_pool_everything`).
///
/// Backward: `dx[n, h, w, c] = dy[n, c] / (H · W)`.
public struct GlobalAveragePool: Layer {
  /// A global average pool (no parameters).
  public init() {}

  /// `[N, C]` for `[N, H, W, C]`.
  public func callAsFunction(_ input: Tensor) -> Tensor {
    precondition(input.rank == 4, "[GlobalAveragePool] input must be NHWC, got \(input.shape)")
    let (n, pixels, c) = (input.shape[0], input.shape[1] * input.shape[2], input.shape[3])
    return input.withUnsafeBufferPointer { x in
      Tensor(shape: [n, c]) { y in
        for b in 0..<n {
          var sums = [Double](repeating: 0, count: c)
          for p in 0..<pixels {
            let o = (b * pixels + p) * c
            for j in 0..<c { sums[j] += Double(x[o + j]) }
          }
          for j in 0..<c { y[b * c + j] = Float(sums[j] / Double(pixels)) }
        }
      }
    }
  }

  /// The forward pass and its pullback (see the type's doc for the backward formula).
  public func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (value: Tensor, pullback: Pullback<NoParameters>)
  {
    let inputShape = input.shape
    return (
      self(input),
      { dy in
        let (n, pixels, c) = (inputShape[0], inputShape[1] * inputShape[2], inputShape[3])
        precondition(
          dy.shape == [n, c],
          "[GlobalAveragePool backward] gradient \(dy.shape), expected [\(n), \(c)]")
        let scale = 1 / Float(pixels)
        let dx = dy.withUnsafeBufferPointer { g in
          Tensor(shape: inputShape) { d in
            for b in 0..<n {
              for p in 0..<pixels {
                let o = (b * pixels + p) * c
                for j in 0..<c { d[o + j] = g[b * c + j] * scale }
              }
            }
          }
        }
        return (dx, nil)
      }
    )
  }
}
