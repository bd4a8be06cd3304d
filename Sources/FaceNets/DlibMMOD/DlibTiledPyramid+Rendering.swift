import FaceTensor

extension DlibTiledPyramid {
  /// The tiled image `[1, rows, columns, 3]` of an 8-bit image's normalised pixels
  /// (`pixel · scale[c] + shift[c]`), written level by level straight into one buffer: the
  /// detector's forward path, without the differentiable path's intermediate tensors.
  ///
  /// Value for value equal to `valueWithPullback(at:)` of the image's floats passed through
  /// `Affine(gamma: scale, beta: shift)`: level 0 is the same product and sum, and each further
  /// level is read from the one before it inside the tiled buffer with the same bilinear taps
  /// and arithmetic as `BilinearResize` (`.alignedCorners`).
  ///
  /// - Parameters:
  ///   - image: 8-bit RGB, the size of the layout's level 0.
  ///   - scale: the per-channel factor (R, G, B).
  ///   - shift: the per-channel offset added after it.
  func render(_ image: RGBImage, scale: [Float], shift: [Float]) -> Tensor {
    let rects = layout.levels
    precondition(
      !rects.isEmpty && image.height == rects[0].bottom - rects[0].top + 1
        && image.width == rects[0].right - rects[0].left + 1 && scale.count == 3
        && shift.count == 3,
      "[DlibTiledPyramid] image \(image.width)x\(image.height) does not fit level 0")
    let columns = layout.columns
    return Tensor(shape: [1, layout.rows, columns, 3]) { buffer in
      let tiled = UnsafeSendable(buffer.baseAddress!)
      zeroOutsideLevels(tiled.pointer)
      image.pixels.withUnsafeBufferPointer { pixels in
        let level0 = rects[0]
        ElementLoop.forEachChunk(image.height, work: pixels.count) { imageRows in
          for y in imageRows {
            let source = pixels.baseAddress! + y * image.width * 3
            let target = tiled.pointer + ((level0.top + y) * columns + level0.left) * 3
            for i in 0..<image.width {
              for c in 0..<3 {
                target[i * 3 + c] = Float(source[i * 3 + c]) * scale[c] + shift[c]
              }
            }
          }
        }
      }
      for (from, to) in zip(rects, rects.dropFirst()) {
        resizeLevel(in: tiled.pointer, from: from, to: to)
      }
    }
  }

  /// Writes zeros to every pixel of the tiled buffer that no level covers.
  private func zeroOutsideLevels(_ tiled: UnsafeMutablePointer<Float>) {
    let (rects, columns) = (layout.levels, layout.columns)
    ElementLoop.forEachChunk(layout.rows, work: layout.rows * columns * 3) { tiledRows in
      for row in tiledRows {
        let spans = rects.filter { $0.top <= row && row <= $0.bottom }
          .map { ($0.left, $0.right) }.sorted { $0.0 < $1.0 }
        var column = 0
        for (left, right) in spans + [(columns, columns)] {
          if left > column {
            (tiled + (row * columns + column) * 3).initialize(
              repeating: 0, count: (left - column) * 3)
          }
          column = max(column, right + 1)
        }
      }
    }
  }

  /// Level `to` resized from level `from` of the same tiled buffer (`BilinearResize`'s
  /// arithmetic, aligned corners).
  private func resizeLevel(
    in tiled: UnsafeMutablePointer<Float>, from: DlibRectangle, to: DlibRectangle
  ) {
    let tiled = UnsafeSendable(tiled)
    let columns = layout.columns
    let (h, w) = (from.bottom - from.top + 1, from.right - from.left + 1)
    let (oh, ow) = (to.bottom - to.top + 1, to.right - to.left + 1)
    let rows = BilinearTaps(input: h, output: oh, sampling: .alignedCorners)
    let cols = BilinearTaps(input: w, output: ow, sampling: .alignedCorners)
    ElementLoop.forEachChunk(oh, work: oh * ow * 3 * 4) { outputRows in
      for r in outputRows {
        let wy = rows.weight[r]
        let top = tiled.pointer + ((from.top + rows.low[r]) * columns + from.left) * 3
        let bottom = tiled.pointer + ((from.top + rows.high[r]) * columns + from.left) * 3
        let target = tiled.pointer + ((to.top + r) * columns + to.left) * 3
        for col in 0..<ow {
          let wx = cols.weight[col]
          let (x0, x1) = (cols.low[col] * 3, cols.high[col] * 3)
          for j in 0..<3 {
            let upper = (1 - wx) * top[x0 + j] + wx * top[x1 + j]
            let lower = (1 - wx) * bottom[x0 + j] + wx * bottom[x1 + j]
            target[col * 3 + j] = (1 - wy) * upper + wy * lower
          }
        }
      }
    }
  }
}
