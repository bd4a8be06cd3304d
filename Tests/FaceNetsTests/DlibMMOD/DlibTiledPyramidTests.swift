import FaceTensor
import FaceTestSupport
import Testing

@testable import FaceNets

/// The tiled pyramid's layout rules and the exactness of its pullback.
@Suite struct DlibTiledPyramidTests {
  @Test(arguments: [(64, 48), (80, 100), (500, 333), (1126, 661), (910, 1137), (2254, 1323)])
  func levelsShrinkBySixthsAndNeverOverlap(_ width: Int, _ height: Int) {
    let layout = DlibTiledPyramidLayout(width: width, height: height)
    let levels = layout.levels
    #expect(levels[0] == DlibRectangle(left: 11, top: 11, right: 10 + width, bottom: 10 + height))
    #expect(layout.columns == width + 22)
    for (previous, level) in zip(levels, levels.dropFirst()) {
      #expect(level.right - level.left + 1 == 5 * (previous.right - previous.left + 1) / 6)
      #expect(level.bottom - level.top + 1 == 5 * (previous.bottom - previous.top + 1) / 6)
      #expect(level.bottom - level.top + 1 >= 5)
    }
    for (index, level) in levels.enumerated() {
      #expect(level.left >= 11 && level.top >= 11, "level \(index) \(level) inside the frame")
      #expect(level.right < layout.columns - 11 && level.bottom < layout.rows - 11)
      for other in levels[(index + 1)...] {
        #expect(level.intersection(other).isEmpty, "\(level) and \(other) overlap")
      }
    }
  }

  @Test func aPointInsideALevelMapsToThatLevel() {
    let layout = DlibTiledPyramidLayout(width: 500, height: 333)
    for (index, level) in layout.levels.enumerated() {
      #expect(layout.level(nearestTo: level.left, level.bottom) == index)
    }
    // Between levels: the nearest one.
    let first = layout.levels[0]
    #expect(layout.level(nearestTo: first.left + 3, first.bottom + 2) == 0)
  }

  @Test func aRectangleOnLevelZeroMovesByTheOuterPadding() {
    let layout = DlibTiledPyramidLayout(width: 500, height: 333)
    let mapped = layout.imageRectangle(fromTiled: (51.5, 61.5, 130.5, 140.5))
    #expect(mapped.left == 40.5 && mapped.top == 50.5 && mapped.right == 119.5)
    #expect(mapped.bottom == 129.5)
  }

  @Test func aRectangleOnLevelOneIsScaledUpBySixFifths() throws {
    let layout = DlibTiledPyramidLayout(width: 500, height: 333)
    let level = layout.levels[1]
    let (x, y) = (Double(level.left) + 20, Double(level.top) + 30)
    let mapped = layout.imageRectangle(fromTiled: (x, y, x + 10, y + 10))
    #expect(abs(mapped.left - (20 * 1.2 + 0.3)) < 1e-12)
    #expect(abs(mapped.top - (30 * 1.2 + 0.3)) < 1e-12)
    #expect(abs(mapped.right - (30 * 1.2 + 0.3)) < 1e-12)
  }

  @Test func tinyImagesHaveOneLevelOrNone() {
    #expect(DlibTiledPyramidLayout(width: 0, height: 7).levels.isEmpty)
    #expect(DlibTiledPyramidLayout(width: 6, height: 5).levels.count == 1)
  }

  @Test func levelZeroHoldsTheImageAndTheRestIsZero() {
    var g = SplitMix64(seed: 31)
    let image = g.uniformTensor([1, 13, 17, 3])
    let layout = DlibTiledPyramidLayout(width: 17, height: 13, padding: 2, outerPadding: 3)
    let tiled = DlibTiledPyramid(layout: layout).valueWithPullback(at: image).value
    #expect(tiled.shape == [1, layout.rows, layout.columns, 3])
    #expect(tiled[0, 3, 3, 0] == image[0, 0, 0, 0] && tiled[0, 15, 19, 2] == image[0, 12, 16, 2])
    #expect(tiled[0, 0, 0, 1] == 0 && tiled[0, 2, 5, 0] == 0)
    let level1 = layout.levels[1]
    // Level 1's corners are the image's corners (aligned corners).
    #expect(abs(tiled[0, level1.top, level1.left, 1] - image[0, 0, 0, 1]) < 1e-6)
    #expect(abs(tiled[0, level1.bottom, level1.right, 1] - image[0, 12, 16, 1]) < 1e-6)
  }

  @Test(arguments: [(17, 13, 2, 3), (23, 31, 10, 11), (331, 97, 10, 11), (64, 300, 0, 0)])
  func renderingFromBytesEqualsTheDifferentiablePath(
    _ width: Int, _ height: Int, _ padding: Int, _ outerPadding: Int
  ) {
    var g = SplitMix64(seed: 33)
    let image = RGBImage(
      width: width, height: height,
      pixels: (0..<(width * height * 3)).map { _ in UInt8(truncatingIfNeeded: g.next()) })
    let (scale, shift): ([Float], [Float]) = ([1 / 256, 1 / 256, 1 / 256], [-0.47, -0.43, -0.4])
    let pyramid = DlibTiledPyramid(
      layout: DlibTiledPyramidLayout(
        width: width, height: height, padding: padding, outerPadding: outerPadding))
    #expect(pyramid.layout.levels.count >= 3)
    let normalized = Affine(
      gamma: Tensor(shape: [3], scalars: scale), beta: Tensor(shape: [3], scalars: shift))(
        Tensor(image: image))
    let expected = pyramid.valueWithPullback(at: normalized).value
    let rendered = pyramid.render(image, scale: scale, shift: shift)
    #expect(rendered.shape == expected.shape)
    #expect(rendered.scalars == expected.scalars)
  }

  @Test(arguments: [(17, 13, 2, 3), (23, 31, 10, 11)])
  func pullbackMatchesFiniteDifferences(
    _ width: Int, _ height: Int, _ padding: Int, _ outerPadding: Int
  ) {
    var g = SplitMix64(seed: 32)
    let image = g.uniformTensor([1, height, width, 3])
    let pyramid = DlibTiledPyramid(
      layout: DlibTiledPyramidLayout(
        width: width, height: height, padding: padding, outerPadding: outerPadding))
    #expect(pyramid.layout.levels.count >= 3)
    let (tiled, pullback) = pyramid.valueWithPullback(at: image)
    let upstream = g.uniformTensor(tiled.shape)
    let report = checkGradient(
      "tiled pyramid", of: { pyramid.valueWithPullback(at: $0).value }, at: image,
      upstream: upstream, analytic: pullback(upstream), generator: &g)
    #expect(report.passes, "\(report)")
  }
}
