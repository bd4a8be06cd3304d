import FaceTensor

extension DlibMMODFaceDetector {
  /// The score map of an image given as floats.
  ///
  /// - Parameter image: `[1, H, W, 3]`, RGB, pixel values on the 0...255 scale (no upsampling is
  ///   applied: pass the image the network should scan).
  /// - Returns: an empty map (`OH = OW = 0`) for an image too small for the network.
  public func scoreMap(of image: Tensor) -> DlibMMODScoreMap {
    let layout = tiledLayout(for: image)
    guard networkAccepts(layout) else { return DlibMMODScoreMap(empty: layout) }
    let tiled = DlibTiledPyramid(layout: layout).valueWithPullback(at: normalization(image)).value
    return DlibMMODScoreMap(scores: network(tiled)[0], layout: layout)
  }

  /// The score map of an image given as floats, and the pullback from a score gradient
  /// `[1, OH, OW, 1]` to the image gradient `[1, H, W, 3]` (with respect to the 0...255 pixel
  /// values), through the network, the tiled pyramid's resampling and the normalisation.
  ///
  /// - Parameter image: `[1, H, W, 3]`, RGB, 0...255 (no upsampling is applied).
  /// - Returns: an empty map, whose pullback gives zeros, for an image too small for the network.
  public func valueWithPullback(at image: Tensor)
    -> (value: DlibMMODScoreMap, pullback: (_ scoreGradient: Tensor) -> Tensor)
  {
    let layout = tiledLayout(for: image)
    guard networkAccepts(layout) else {
      return (DlibMMODScoreMap(empty: layout), { _ in Tensor(zeros: image.shape) })
    }
    let (normalized, normalizePullback) = normalization.valueWithPullback(at: image, scope: .input)
    let (tiled, pyramidPullback) = DlibTiledPyramid(layout: layout).valueWithPullback(
      at: normalized)
    let (outputs, networkPullback) = network.valueWithPullback(at: tiled, scope: .input)
    return (
      DlibMMODScoreMap(scores: outputs[0], layout: layout),
      { scoreGradient in
        let tiledGradient = networkPullback([scoreGradient]).input
        return normalizePullback(pyramidPullback(tiledGradient)).input
      }
    )
  }

  /// The upsampled image `pyramid_up` gives, computed in floats (dlib rounds it to 8 bits),
  /// and its pullback: `upsample` times a bilinear resize (`.alignedCorners`) to
  /// `(2 H + 1) x (2 W + 2)`, the size of the image rectangle mapped one `pyramid_down<2>` level
  /// up.
  ///
  /// - Parameters:
  ///   - image: `[1, H, W, C]`.
  ///   - upsample: how many times to upsample, `>= 0`.
  public static func upsampled(_ image: Tensor, times upsample: Int)
    -> (value: Tensor, pullback: (Tensor) -> Tensor)
  {
    precondition(upsample >= 0 && image.rank == 4, "[DlibMMODFaceDetector] upsample \(upsample)")
    var current = image
    var pullbacks: [(Tensor) -> Tensor] = []
    for _ in 0..<upsample {
      let size = upsampledSize(width: current.shape[2], height: current.shape[1], times: 1)
      let resize = BilinearResize(
        outputHeight: size.height, outputWidth: size.width, sampling: .alignedCorners)
      let (value, pullback) = resize.valueWithPullback(at: current, scope: .input)
      pullbacks.append { pullback($0).input }
      current = value
    }
    return (
      current,
      { gradient in pullbacks.reversed().reduce(gradient) { $1($0) } }
    )
  }

  /// The size of a `width x height` image upsampled `times` times (by `upsampled(_:times:)` or
  /// by `detect`'s 8-bit `pyramid_up`): each time `2 W + 2` columns by `2 H + 1` rows.
  static func upsampledSize(width: Int, height: Int, times: Int) -> (width: Int, height: Int) {
    (0..<times).reduce((width, height)) { size, _ in (2 * size.0 + 2, 2 * size.1 + 1) }
  }

  /// The score map of a `width x height` photo upsampled `upsample` times, with every score 0.
  ///
  /// Its shape and layout do not depend on the pixels, so no network runs: this is what
  /// `rectangle(atRow:column:of:upsampledTimes:)` reads to name the windows of a photo's size.
  /// - Precondition: `width, height, upsample >= 0`.
  public func scoreMapGeometry(width: Int, height: Int, upsample: Int) -> DlibMMODScoreMap {
    precondition(
      width >= 0 && height >= 0 && upsample >= 0,
      "[DlibMMODFaceDetector] a \(width)x\(height) photo, upsample \(upsample)")
    guard width > 0, height > 0 else {
      return DlibMMODScoreMap(empty: tiledLayout(width: 0, height: 0))
    }
    let size = Self.upsampledSize(width: width, height: height, times: upsample)
    let layout = tiledLayout(width: size.width, height: size.height)
    guard networkAccepts(layout) else { return DlibMMODScoreMap(empty: layout) }
    let (rows, columns) = (
      regionGeometry.positions(alongTiled: layout.rows),
      regionGeometry.positions(alongTiled: layout.columns)
    )
    return DlibMMODScoreMap(scores: Tensor(zeros: [1, rows, columns, 1]), layout: layout)
  }

  /// `(pixel - mean) / 256` per channel, as an `Affine` layer (exact: 256 is a power of two).
  var normalization: Affine {
    Affine(
      gamma: Tensor(repeating: 1 / 256, shape: [3]),
      beta: Tensor(shape: [3], scalars: inputMeans.map { -$0 / 256 }))
  }

  /// The tiled pyramid layout for `image` `[1, H, W, 3]`.
  func tiledLayout(for image: Tensor) -> DlibTiledPyramidLayout {
    precondition(
      image.rank == 4 && image.shape[0] == 1 && image.shape[3] == 3,
      "[DlibMMODFaceDetector] image must be [1, H, W, 3], got \(image.shape)")
    return tiledLayout(width: image.shape[2], height: image.shape[1])
  }

  /// The tiled pyramid layout for an image of `width x height` pixels.
  func tiledLayout(width: Int, height: Int) -> DlibTiledPyramidLayout {
    DlibTiledPyramidLayout(
      width: width, height: height, padding: pyramidPadding, outerPadding: pyramidOuterPadding)
  }

  /// Whether the network gives at least one score on a tiled image of this layout.
  func networkAccepts(_ layout: DlibTiledPyramidLayout) -> Bool {
    !layout.levels.isEmpty && layout.rows >= smallestTiledSide
      && layout.columns >= smallestTiledSide
  }
}

extension DlibMMODScoreMap {
  /// The map of an image too small for the network: no scores.
  init(empty layout: DlibTiledPyramidLayout) {
    self.init(scores: Tensor(zeros: [1, 0, 0, 1]), layout: layout)
  }
}
