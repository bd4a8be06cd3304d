import FaceTensor

/// A rectangle of positions of a score map `[1, OH, OW, 1]` (inclusive ranges).
public struct DlibMMODScoreRegion: Sendable, Equatable {
  /// The map's rows, within `0..<OH`.
  public let rows: ClosedRange<Int>
  /// The map's columns, within `0..<OW`.
  public let columns: ClosedRange<Int>

  /// The positions `rows` x `columns`.
  public init(rows: ClosedRange<Int>, columns: ClosedRange<Int>) {
    self.rows = rows
    self.columns = columns
  }
}

extension DlibMMODFaceDetector {
  /// The scores of `regions` of the map `scoreMap(of: image, upsample: upsample)` gives, each
  /// computed from the part of the tiled pyramid it reads (`DlibMMODRegionGeometry`): a small
  /// region costs a small part of the network's work.
  ///
  /// The scores are the whole map's there, but for the last bits (the network's GEMMs are cut
  /// otherwise on a crop).
  ///
  /// - Parameters:
  ///   - image: 8-bit RGB, upsampled in 8 bits `upsample` times first, as `detect` does.
  ///   - regions: rectangles inside the map.
  /// - Returns: one `[1, rows, columns, 1]` tensor per region (none for no regions, whatever
  ///   the image).
  /// - Precondition: the map has scores (the image is not too small) and holds every region.
  public func regionScores(of image: RGBImage, upsample: Int, regions: [DlibMMODScoreRegion])
    -> [Tensor]
  {
    precondition(upsample >= 0, "[DlibMMODFaceDetector] upsample \(upsample)")
    guard !regions.isEmpty else { return [] }
    var scanned = image
    for _ in 0..<upsample {
      scanned = DlibHOGImagePyramid.up(scanned)
    }
    let layout = tiledLayout(width: scanned.width, height: scanned.height)
    let affine = normalization
    let tiled = DlibTiledPyramid(layout: layout).render(
      scanned, scale: affine.gamma.scalars, shift: affine.beta.scalars)
    return regions.map { region in
      let part = tiledPart(for: region, layout: layout)
      let map = network(DlibTiledPyramid.crop(tiled, at: part.pixels, shape: part.shape))[0]
      return Self.slice(map, rows: part.rows, columns: part.columns)
    }
  }

  /// The scores of `regions` of the map `valueWithPullback(at: image)` gives, as
  /// `regionScores(of:upsample:regions:)` computes them, and the pullback from their gradients
  /// (one `[1, rows, columns, 1]` per region) to the image gradient `[1, H, W, 3]`.
  ///
  /// - Parameters:
  ///   - image: `[1, H, W, 3]`, RGB, 0...255 (no upsampling is applied).
  ///   - regions: rectangles inside the map.
  /// - Precondition: the map has scores (the image is not too small) and holds every region.
  public func regionScoresWithPullback(at image: Tensor, regions: [DlibMMODScoreRegion])
    -> (scores: [Tensor], pullback: (_ gradients: [Tensor]) -> Tensor)
  {
    guard !regions.isEmpty else { return ([], { _ in Tensor(zeros: image.shape) }) }
    let layout = tiledLayout(for: image)
    let (normalized, normalizePullback) = normalization.valueWithPullback(at: image, scope: .input)
    let (tiled, pyramidPullback) = DlibTiledPyramid(layout: layout).valueWithPullback(
      at: normalized)
    var scores: [Tensor] = []
    var parts: [(part: TiledPart, mapShape: [Int], pullback: NetworkPullback)] = []
    for region in regions {
      let part = tiledPart(for: region, layout: layout)
      let (outputs, pullback) = network.valueWithPullback(
        at: DlibTiledPyramid.crop(tiled, at: part.pixels, shape: part.shape), scope: .input)
      scores.append(Self.slice(outputs[0], rows: part.rows, columns: part.columns))
      parts.append((part, outputs[0].shape, pullback))
    }
    let tiledShape = tiled.shape
    return (
      scores,
      { gradients in
        precondition(
          gradients.count == parts.count, "[DlibMMODFaceDetector] \(gradients.count) gradients")
        var dTiled = Tensor(zeros: tiledShape)
        for (gradient, (part, mapShape, pullback)) in zip(gradients, parts) {
          var dMap = Tensor(zeros: mapShape)
          Self.place(gradient, into: &dMap, rows: part.rows, columns: part.columns)
          DlibTiledPyramid.paste(
            pullback([dMap]).input, into: &dTiled, at: part.pixels, adding: true)
        }
        return normalizePullback(pyramidPullback(dTiled)).input
      }
    )
  }

  /// The tiled crop that gives `region`'s scores: its pixels, its shape `[1, h, w, 3]`, and where
  /// the region lies in the crop's score map.
  private struct TiledPart {
    let pixels: DlibRectangle
    let shape: [Int]
    let rows: ClosedRange<Int>
    let columns: ClosedRange<Int>
  }

  private func tiledPart(for region: DlibMMODScoreRegion, layout: DlibTiledPyramidLayout)
    -> TiledPart
  {
    let geometry = regionGeometry
    let (mapRows, mapColumns) = (
      geometry.positions(alongTiled: layout.rows), geometry.positions(alongTiled: layout.columns)
    )
    precondition(
      networkAccepts(layout) && region.rows.lowerBound >= 0 && region.rows.upperBound < mapRows
        && region.columns.lowerBound >= 0 && region.columns.upperBound < mapColumns,
      "[DlibMMODFaceDetector] region \(region) outside a score map of \(mapRows)x\(mapColumns)")
    let rows = geometry.computed(for: region.rows, count: mapRows)
    let columns = geometry.computed(for: region.columns, count: mapColumns)
    let (y, x) = (geometry.tiledPixels(for: rows), geometry.tiledPixels(for: columns))
    return TiledPart(
      pixels: DlibRectangle(
        left: x.lowerBound, top: y.lowerBound, right: x.upperBound, bottom: y.upperBound),
      shape: [1, y.count, x.count, 3],
      rows: (region.rows.lowerBound - rows.lowerBound)...(region.rows.upperBound - rows.lowerBound),
      columns: (region.columns.lowerBound - columns.lowerBound)...(region.columns.upperBound
        - columns.lowerBound))
  }

  /// Rows `rows` and columns `columns` of a map `[1, R, C, 1]`.
  private static func slice(_ map: Tensor, rows: ClosedRange<Int>, columns: ClosedRange<Int>)
    -> Tensor
  {
    let width = map.shape[2]
    return map.withUnsafeBufferPointer { source in
      Tensor(shape: [1, rows.count, columns.count, 1]) { target in
        for (i, row) in rows.enumerated() {
          for (j, column) in columns.enumerated() {
            target[i * columns.count + j] = source[row * width + column]
          }
        }
      }
    }
  }

  /// Writes `values` `[1, rows, columns, 1]` at rows `rows` and columns `columns` of `map`.
  private static func place(
    _ values: Tensor, into map: inout Tensor, rows: ClosedRange<Int>, columns: ClosedRange<Int>
  ) {
    precondition(
      values.shape == [1, rows.count, columns.count, 1],
      "[DlibMMODFaceDetector] a region gradient \(values.shape), expected "
        + "\([1, rows.count, columns.count, 1])")
    let width = map.shape[2]
    values.withUnsafeBufferPointer { source in
      map.withUnsafeMutableBufferPointer { target in
        for (i, row) in rows.enumerated() {
          for (j, column) in columns.enumerated() {
            target[row * width + column] = source[i * columns.count + j]
          }
        }
      }
    }
  }
}
