import FaceTensor
import Testing

@Suite struct ImageTensorConversionTests {
  @Test func tensorIsOneNHWCImageOfLevels() {
    let image = ImageEncodingTests.noise(width: 5, height: 3, seed: 31)
    let tensor = Tensor(image: image)
    #expect(tensor.shape == [1, 3, 5, 3])
    #expect(tensor[0, 2, 4, 1] == Float(image[4, 2].green))
    #expect(tensor.scalars == image.pixels.map(Float.init))
    #expect(RGBImage(tensor: tensor) == image)
  }

  @Test func convertingBackRoundsHalfToEvenAndClamps() {
    let values: [Float] = [
      0.5, 1.5, 2.5, 2.49, 254.6, -3, 300, .nan, .infinity, -.infinity, 127.5, 128.5,
    ]
    let expected: [UInt8] = [0, 2, 2, 2, 255, 0, 255, 0, 255, 0, 128, 128]
    let image = RGBImage(tensor: Tensor(shape: [1, 1, 4, 3], scalars: values))
    #expect(image.pixels == expected)
  }
}
