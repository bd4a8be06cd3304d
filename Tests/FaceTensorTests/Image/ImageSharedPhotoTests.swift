import FaceTensor
import FaceTestSupport
import Testing

@Suite struct ImageSharedPhotoTests {
  /// Real photos (JPEG RGB and gray, PNG RGBA) decode exactly as Pillow decodes them, and
  /// resize exactly as OpenCV resizes Pillow's pixels (MTCNN's first pyramid scales, INTER_AREA;
  /// 224x224, INTER_LINEAR): each compared by the hash the script recorded.
  @Test(
    .enabled(
      if: SharedData.isAvailable(for: "sharedPhotosDecodeAndResizeLikePillowAndOpenCV"),
      "needs the shared photos (FACEADVERSARY_SHARED, default ../shared)"),
    arguments: ImageFixtures.sharedPhotos)
  func sharedPhotosDecodeAndResizeLikePillowAndOpenCV(_ photo: ImageFixtures.SharedPhoto) throws {
    let image = try RGBImage(contentsOf: SharedData.url("data/faces/" + photo.file))
    #expect(image.width == photo.width && image.height == photo.height)
    #expect(
      ImageFixtures.fnv1a64(image.pixels) == photo.fnv1a64, "decoded pixels differ from Pillow's")
    for resize in photo.resized {
      let method: ResizeMethod = resize.method == "area" ? .area : .bilinear
      let resized = image.resized(width: resize.width, height: resize.height, method: method)
      #expect(
        ImageFixtures.fnv1a64(resized.pixels) == resize.fnv1a64,
        "\(resize.method) \(resize.width)x\(resize.height) differs from OpenCV's")
    }
  }
}
