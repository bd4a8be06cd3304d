import FaceTensor
import FaceTestSupport
import Testing

@testable import FaceNets

/// Score-map regions computed from the part of the tiled pyramid they read: the same scores as
/// the whole map, and the same gradient.
@Suite struct DlibMMODRegionTests {
  /// A region at each corner of the map, one inside, one position and the whole map.
  static func regions(rows: Int, columns: Int) -> [DlibMMODScoreRegion] {
    [
      DlibMMODScoreRegion(rows: 0...1, columns: 0...2),
      DlibMMODScoreRegion(rows: (rows - 3)...(rows - 1), columns: (columns - 2)...(columns - 1)),
      DlibMMODScoreRegion(rows: 0...0, columns: (columns - 1)...(columns - 1)),
      DlibMMODScoreRegion(rows: (rows / 2 - 2)...(rows / 2 + 1), columns: 11...14),
      DlibMMODScoreRegion(rows: rows / 3...rows / 3, columns: columns / 2...columns / 2),
      DlibMMODScoreRegion(rows: 0...(rows - 1), columns: 0...(columns - 1)),
    ]
  }

  /// `[1, R, C, 1]` rows `rows` and columns `columns` of `map`.
  static func part(of map: Tensor, _ region: DlibMMODScoreRegion) -> [Float] {
    region.rows.flatMap { row in region.columns.map { map[0, row, $0, 0] } }
  }

  /// The largest difference between `scores` and the whole map's scores at `region`.
  ///
  /// The network's GEMMs on a crop are cut differently, so the last bit may differ; a score read at
  /// the wrong position, or through zero padding that the whole map does not have, differs by
  /// far more (scores here vary by about 0.1 between neighbours).
  static func difference(_ scores: Tensor, _ map: Tensor, _ region: DlibMMODScoreRegion) -> Float {
    zip(scores.scalars, part(of: map, region)).map { abs($0 - $1) }.max() ?? .infinity
  }

  @Test func theGeometryOfThePublishedDetector() throws {
    let geometry = try InstalledMMODDetector.detector().regionGeometry
    #expect(geometry.stride == 8 && geometry.reach == 28 && geometry.halo == 10)
    #expect(geometry.positions(alongTiled: 28) == 0 && geometry.positions(alongTiled: 29) == 1)
    #expect(geometry.positions(alongTiled: 36) == 1 && geometry.positions(alongTiled: 37) == 2)
    #expect(geometry.computed(for: 3...5, count: 40) == 0...15)
    #expect(geometry.computed(for: 20...25, count: 30) == 10...29)
    #expect(geometry.tiledPixels(for: 2...4) == 16...60)
  }

  @Test(arguments: [0, 1])
  func regionScoresEqualTheWholeMapsThere(upsample: Int) throws {
    let detector = try InstalledMMODDetector.detector()
    var g = SplitMix64(seed: 51)
    let image = RGBImage(
      width: 270, height: 120, pixels: (0..<(270 * 120 * 3)).map { _ in UInt8(g.next() % 256) })
    let map = detector.scoreMap(of: image, upsample: upsample).scores
    let (rows, columns) = (map.shape[1], map.shape[2])
    #expect(rows > 30 && columns > 30)
    let regions = Self.regions(rows: rows, columns: columns)
    let scores = detector.regionScores(of: image, upsample: upsample, regions: regions)
    for (region, score) in zip(regions, scores) {
      #expect(score.shape == [1, region.rows.count, region.columns.count, 1])
      #expect(Self.difference(score, map, region) <= 1e-5, "\(region)")
    }
  }

  @Test func noRegionsNeedNoScoresEvenOfATinyImage() throws {
    let detector = try InstalledMMODDetector.detector()
    #expect(
      detector.regionScores(of: RGBImage(width: 3, height: 2), upsample: 1, regions: []).isEmpty)
    let (scores, pullback) = detector.regionScoresWithPullback(
      at: Tensor(repeating: 9, shape: [1, 2, 3, 3]), regions: [])
    #expect(scores.isEmpty && pullback([]) == Tensor(zeros: [1, 2, 3, 3]))
  }

  @Test func regionGradientsEqualTheWholeMapsGradient() throws {
    let detector = try InstalledMMODDetector.detector()
    var g = SplitMix64(seed: 52)
    let image = g.uniformTensor([1, 140, 190, 3], in: 0...255)
    let (map, pullback) = detector.valueWithPullback(at: image)
    let (rows, columns) = (map.scores.shape[1], map.scores.shape[2])
    let regions = Array(Self.regions(rows: rows, columns: columns).prefix(5))
    let (scores, regionPullback) = detector.regionScoresWithPullback(at: image, regions: regions)
    var upstream = Tensor(zeros: map.scores.shape)
    var gradients: [Tensor] = []
    for (region, score) in zip(regions, scores) {
      #expect(Self.difference(score, map.scores, region) <= 1e-5, "\(region)")
      let gradient = g.uniformTensor(score.shape, in: -1...1)
      for (index, (row, column)) in region.rows.flatMap({ r in region.columns.map { (r, $0) } })
        .enumerated()
      {
        upstream[0, row, column, 0] += gradient.scalars[index]
      }
      gradients.append(gradient)
    }
    let expected = pullback(upstream).scalars
    let actual = regionPullback(gradients).scalars
    let scale = expected.map(abs).max() ?? 0
    #expect(scale > 0)
    let worst = zip(expected, actual).map { abs($0 - $1) }.max() ?? .infinity
    #expect(worst <= 1e-5 * scale, "worst difference \(worst), scale \(scale)")
  }
}
