import FaceTensor

/// The network inputs made from images given as floats, and the pullback back to them.
extension MTCNNInput {
  /// The float form of `transposed(_:)`: `[N, W, H, C]` with
  /// `t[n, x, y, c] = (v[n, y, x, c] - 127.5) * 0.0078125` for images `v`, `[N, H, W, C]`, on the
  /// 0...255 scale (equal to `transposed(_:)` for integer values).
  static func transposed(floats images: Tensor) -> Tensor {
    swappingSpatialAxes(of: images, adding: -127.5)
  }

  /// The pullback of `transposed(floats:)`: the gradient `[N, W, H, C]` of the network input
  /// mapped to the gradient `[N, H, W, C]` of the 0...255 values,
  /// `dv[n, y, x, c] = dt[n, x, y, c] * 0.0078125`.
  static func untransposed(gradient: Tensor) -> Tensor {
    swappingSpatialAxes(of: gradient, adding: 0)
  }

  /// `[N, B, A, C]` with `out[n, b, a, c] = (in[n, a, b, c] + offset) * 0.0078125` for `in`,
  /// `[N, A, B, C]`.
  private static func swappingSpatialAxes(of input: Tensor, adding offset: Float) -> Tensor {
    let shape = input.shape
    precondition(shape.count == 4, "[MTCNNInput] expected [N, A, B, C], got \(shape)")
    let (batch, rows, columns, channels) = (shape[0], shape[1], shape[2], shape[3])
    return input.withUnsafeBufferPointer { source in
      Tensor(shape: [batch, columns, rows, channels]) { output in
        for n in 0..<batch {
          let image = n * rows * columns * channels
          for a in 0..<rows {
            for b in 0..<columns {
              let from = image + (a * columns + b) * channels
              let to = image + (b * rows + a) * channels
              for c in 0..<channels { output[to + c] = (source[from + c] + offset) * 0.0078125 }
            }
          }
        }
      }
    }
  }
}
