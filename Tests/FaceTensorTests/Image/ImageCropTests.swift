import FaceTensor
import FaceTestSupport
import Testing

@Suite struct ImageCropTests {
  static let image = ImageEncodingTests.noise(width: 9, height: 7, seed: 21)

  /// The crop computed pixel by pixel: the image's pixel, or black outside it.
  static func reference(x: Int, y: Int, width: Int, height: Int) -> RGBImage {
    var result = RGBImage(width: width, height: height)
    for row in 0..<height {
      for column in 0..<width {
        let (sx, sy) = (x + column, y + row)
        if (0..<image.width).contains(sx) && (0..<image.height).contains(sy) {
          result[column, row] = image[sx, sy]
        }
      }
    }
    return result
  }

  static let rectangles: [(Int, Int, Int, Int)] = [
    (0, 0, 9, 7), (2, 1, 4, 5), (-3, -2, 6, 5), (6, 4, 6, 6), (-2, -2, 13, 11), (20, 3, 4, 4),
    (3, -10, 2, 4), (1, 1, 0, 3),
  ]

  @Test(arguments: rectangles)
  func cropCopiesTheInsideAndBlackensTheOutside(_ rectangle: (Int, Int, Int, Int)) {
    let (x, y, width, height) = rectangle
    let crop = Self.image.cropped(x: x, y: y, width: width, height: height)
    #expect(crop == Self.reference(x: x, y: y, width: width, height: height))
    let tensorCrop = Tensor(image: Self.image).cropped(x: x, y: y, width: width, height: height)
    #expect(tensorCrop == Tensor(image: crop))
  }

  @Test(arguments: rectangles)
  func cropPullbackIsTheTransposeOfTheCrop(_ rectangle: (Int, Int, Int, Int)) {
    let (x, y, width, height) = rectangle
    var generator = SplitMix64(seed: 5)
    let input = Tensor(shape: [2, 7, 9, 2], scalars: (0..<252).map { _ in generator.uniform() })
    let (output, pullback) = input.croppedWithPullback(x: x, y: y, width: width, height: height)
    let dy = Tensor(shape: output.shape, scalars: output.scalars.map { _ in generator.uniform() })
    let dx = pullback(dy)
    #expect(dx.shape == input.shape)
    let forward = zip(output.scalars, dy.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    let backward = zip(input.scalars, dx.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    #expect(abs(forward - backward) <= 1e-9 * max(1, abs(forward)))
  }

  /// Adding a part onto images adds exactly what the crop's pullback places there; the images'
  /// other values stay.
  @Test(arguments: rectangles)
  func addingAPartAddsWhatTheCropPullbackPlaces(_ rectangle: (Int, Int, Int, Int)) {
    let (x, y, width, height) = rectangle
    var generator = SplitMix64(seed: 6)
    let images = Tensor(shape: [2, 7, 9, 2], scalars: (0..<252).map { _ in generator.uniform() })
    let part = Tensor(
      shape: [2, height, width, 2],
      scalars: (0..<(4 * height * width)).map { _ in generator.uniform() })
    var sum = images
    sum.add(part, atX: x, y: y)
    let placed = images.croppedWithPullback(x: x, y: y, width: width, height: height).pullback(part)
    #expect(sum == images + placed)
  }
}
