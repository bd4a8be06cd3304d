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
    let (tiled, layout) = tiledPyramid(of: image, upsample: upsample)
    return regions.map { region in
      // `tiledPart` checks that the network scores this layout: `tiled` is not nil past it.
      let part = tiledPart(for: region, layout: layout)
      return part.scores(in: network(part.crop(of: tiled!))[0])
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
    var pullbacks: [(part: TiledPart, pullback: (Tensor) -> Tensor)] = []
    for region in regions {
      let part = tiledPart(for: region, layout: layout)
      let (outputs, networkPullback) = network.valueWithPullback(
        at: part.crop(of: tiled), scope: .input)
      let (score, scorePullback) = part.scoresWithPullback(in: outputs[0])
      scores.append(score)
      pullbacks.append((part, { networkPullback([scorePullback($0)]).input }))
    }
    let tiledShape = tiled.shape
    return (
      scores,
      { gradients in
        precondition(
          gradients.count == pullbacks.count,
          "[DlibMMODFaceDetector] \(gradients.count) gradients")
        var dTiled = Tensor(zeros: tiledShape)
        for (gradient, (part, pullback)) in zip(gradients, pullbacks) {
          dTiled.add(
            pullback(gradient), atX: part.tiledColumns.lowerBound, y: part.tiledRows.lowerBound)
        }
        return normalizePullback(pyramidPullback(dTiled)).input
      }
    )
  }

  /// The tiled crop that gives a region's scores, and where the region lies in the crop's
  /// score map.
  private struct TiledPart {
    /// The tiled image's rows and columns the crop holds.
    let tiledRows: ClosedRange<Int>
    let tiledColumns: ClosedRange<Int>
    /// The region's rows and columns in the crop's score map.
    let rows: ClosedRange<Int>
    let columns: ClosedRange<Int>

    /// The crop `[1, h, w, 3]` of the tiled image `tiled`.
    func crop(of tiled: Tensor) -> Tensor {
      tiled.cropped(
        x: tiledColumns.lowerBound, y: tiledRows.lowerBound, width: tiledColumns.count,
        height: tiledRows.count)
    }

    /// The region's scores `[1, rows, columns, 1]` in the crop's score map `map`.
    func scores(in map: Tensor) -> Tensor {
      scoresWithPullback(in: map).value
    }

    /// `scores(in:)` and its pullback to the crop's score map.
    func scoresWithPullback(in map: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
      map.croppedWithPullback(
        x: columns.lowerBound, y: rows.lowerBound, width: columns.count, height: rows.count)
    }
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
      tiledRows: y, tiledColumns: x,
      rows: (region.rows.lowerBound - rows.lowerBound)...(region.rows.upperBound - rows.lowerBound),
      columns: (region.columns.lowerBound - columns.lowerBound)...(region.columns.upperBound
        - columns.lowerBound))
  }
}
