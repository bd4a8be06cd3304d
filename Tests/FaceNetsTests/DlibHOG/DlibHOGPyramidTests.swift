import FaceTensor
import Testing

@testable import FaceNets

/// dlib's RGB bilinear resize and pyramid geometry against dlib 20.0.1
/// (`Fixtures/dlib_hog/detections.json`: `dlib.resize_image`, `pyramid_down(N).rect_up/down`).
struct DlibHOGPyramidTests {
  let reference: DlibHOGReference

  init() throws {
    reference = try #require(DlibHOGReference.shared)
  }

  @Test func rgbResizeEqualsDlibsByteForByte() {
    #expect(reference.resize_cases.count == 8)
    for c in reference.resize_cases {
      let image = RGBImage(width: c.width, height: c.height, pixels: c.rgb)
      let resized = DlibRGBResize.resize(image, width: c.out_width, height: c.out_height)
      let differing = zip(resized.pixels, c.out_rgb).filter { $0 != $1 }.count
      #expect(
        resized.pixels == c.out_rgb,
        "\(c.width)x\(c.height) -> \(c.out_width)x\(c.out_height): \(differing) bytes differ")
    }
  }

  /// `[l, t, r, b]` of the corners of `r` mapped by `map`.
  private func corners(
    _ r: DlibRectangle, _ map: (Double, Double) -> (x: Double, y: Double)
  ) -> [Double] {
    let tl = map(Double(r.left), Double(r.top))
    let br = map(Double(r.right), Double(r.bottom))
    return [tl.x, tl.y, br.x, br.y]
  }

  @Test func pointMappingsEqualDlibsDoubles() {
    let six = DlibPyramidMapping(n: 6)
    let two = DlibPyramidMapping(n: 2)
    #expect(reference.rect_cases.count == 16)
    for c in reference.rect_cases {
      let r = DlibRectangle(ltrb: c.ltrb)
      let levels = c.levels
      #expect(corners(r) { six.pointUp(x: $0, y: $1, levels: levels) } == c.pyramid6_up, "\(c)")
      #expect(
        corners(r) { six.pointDown(x: $0, y: $1, levels: levels) } == c.pyramid6_down, "\(c)")
      #expect(
        corners(r) { two.pointDown(x: $0, y: $1, levels: levels) } == c.pyramid2_down, "\(c)")
      #expect(corners(r) { two.pointUp(x: $0, y: $1, levels: levels) } == c.pyramid2_up, "\(c)")
    }
  }

  @Test func rectanglesRoundHalfAwayFromZeroAsDlibsDrectangleConversion() {
    // (-13 + 1.25) * 2 = -23.5 -> -24, (-5 + 0.75) * 2 = -8.5 -> -9, 134.5 -> 135, 149.5 -> 150.
    let up = DlibPyramidMapping(n: 2).rectUp(
      DlibRectangle(left: -13, top: -5, right: 66, bottom: 74), levels: 1)
    #expect(up == DlibRectangle(left: -24, top: -9, right: 135, bottom: 150))
  }

  @Test func pyramidUpDoublesThenAddsOneRowAndTwoColumns() {
    let image = RGBImage(width: 17, height: 13, red: 9, green: 200, blue: 31)
    let up = DlibHOGImagePyramid.up(image)
    #expect(up.width == 2 * 17 + 2 && up.height == 2 * 13 + 1)
    // Float weights summing to slightly less than 1 truncate some values one level down, as
    // dlib's do (the resize test above checks the bytes); never more.
    let constant = RGBImage(width: 36, height: 27, red: 9, green: 200, blue: 31).pixels
    #expect(zip(up.pixels, constant).allSatisfy { $0 == $1 || $0 + 1 == $1 })
  }

  @Test func pyramidDownSixKeepsFiveSixthsRoundedDown() {
    let down = DlibHOGImagePyramid.down(RGBImage(width: 100, height: 61), n: 6)
    #expect(down.width == 83 && down.height == 50)
  }

  @Test func levelCountStopsBelowTheMinimumLayerSize() {
    // 80 x 80: one level down is about 66 x 66 (kept), the next about 55 (too small).
    #expect(
      DlibHOGImagePyramid.levelCount(
        width: 80, height: 80, n: 6, minWidth: 64, minHeight: 64, maxLevels: 1000) == 2)
    #expect(
      DlibHOGImagePyramid.levelCount(
        width: 80, height: 80, n: 6, minWidth: 64, minHeight: 64, maxLevels: 1) == 1)
    #expect(
      DlibHOGImagePyramid.levelCount(
        width: 60, height: 600, n: 6, minWidth: 64, minHeight: 64, maxLevels: 1000) == 1)
  }
}
