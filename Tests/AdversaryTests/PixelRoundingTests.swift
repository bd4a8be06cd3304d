import Adversary
import FaceTensor
import Testing

@Suite struct PixelRoundingTests {
  @Test func roundsToTheNearestLevelHalvesAwayFromZeroThenClamps() {
    let values: [Float] = [-3, -0.4, 0.49, 0.5, 1.5, 2.5, 127.49999, 254.5, 255, 300]
    let rounded = PixelRounding.rounded(Tensor(shape: [10], scalars: values))
    #expect(rounded.scalars == [0, 0, 0, 1, 2, 3, 127, 255, 255, 255])
  }

  @Test func otherBoundsUseTheir256Levels() {
    let rounded = PixelRounding.rounded(
      Tensor(shape: [4], scalars: [0, 0.5 / 255, 0.3, 2]), bounds: 0...1)
    #expect(rounded.scalars == [0, 1 / 255, Float(77) / 255, 1])
  }
}
