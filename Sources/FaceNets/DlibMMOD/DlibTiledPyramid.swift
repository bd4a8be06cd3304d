import FaceTensor

/// The tiled image pyramid of `DlibTiledPyramidLayout` built from a float image, and the
/// gradient back to that image: every step is linear, so the pullback is exact.
///
/// Level 0 is the image; level `i` is level `i - 1` resized to its size with dlib's bilinear
/// resampling (`BilinearResize` with `.alignedCorners`, dlib's `resize_image` on float planes);
/// each level is written at its rectangle into a zero image of `rows x columns`.
struct DlibTiledPyramid {
  /// Where the levels go.
  let layout: DlibTiledPyramidLayout

  /// The tiled image `[1, rows, columns, C]` for `image` `[1, H, W, C]` (any values; the
  /// detector passes normalised pixels) and its pullback to the image.
  ///
  /// - Precondition: `image` is `[1, H, W, C]` with `H x W` the layout's level 0.
  func valueWithPullback(at image: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let rects = layout.levels
    precondition(
      image.rank == 4 && image.shape[0] == 1 && !rects.isEmpty
        && image.shape[1] == rects[0].bottom - rects[0].top + 1
        && image.shape[2] == rects[0].right - rects[0].left + 1,
      "[DlibTiledPyramid] image \(image.shape) does not fit level 0 \(rects.first.map { "\($0)" } ?? "none")"
    )
    let channels = image.shape[3]
    var levels = [image]
    var resizers: [BilinearResize] = []
    for rect in rects.dropFirst() {
      let resize = BilinearResize(
        outputHeight: rect.bottom - rect.top + 1, outputWidth: rect.right - rect.left + 1,
        sampling: .alignedCorners)
      resizers.append(resize)
      levels.append(resize(levels[levels.count - 1]))
    }
    var tiled = Tensor(zeros: [1, layout.rows, layout.columns, channels])
    for (level, rect) in zip(levels, rects) {
      Self.paste(level, into: &tiled, at: rect)
    }
    let levelShapes = levels.map(\.shape)
    return (
      tiled,
      { gradient in
        precondition(gradient.shape == tiled.shape, "[DlibTiledPyramid] gradient \(gradient.shape)")
        // From the smallest level up: each level's gradient flows into the level it came from.
        var carried: Tensor? = nil
        for index in stride(from: rects.count - 1, through: 0, by: -1) {
          let rect = rects[index]
          var own = gradient.cropped(
            x: rect.left, y: rect.top, width: levelShapes[index][2], height: levelShapes[index][1])
          if let carried { own = own + carried }
          if index == 0 { return own }
          carried =
            resizers[index - 1].valueWithPullback(at: levels[index - 1], scope: .input)
            .pullback(own).input
        }
        preconditionFailure("[DlibTiledPyramid] no levels")
      }
    )
  }

  /// Copies `level` `[1, h, w, C]` into `tiled` at `rect` (`h x w`).
  static func paste(_ level: Tensor, into tiled: inout Tensor, at rect: DlibRectangle) {
    let (h, w, c) = (level.shape[1], level.shape[2], level.shape[3])
    let columns = tiled.shape[2]
    level.withUnsafeBufferPointer { source in
      tiled.withUnsafeMutableBufferPointer { target in
        for row in 0..<h {
          let from = source.baseAddress! + row * w * c
          let to = target.baseAddress! + ((rect.top + row) * columns + rect.left) * c
          to.update(from: from, count: w * c)
        }
      }
    }
  }
}
