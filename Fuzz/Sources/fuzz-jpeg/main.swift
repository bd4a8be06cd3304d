import FaceNets
import Foundation
// libFuzzer target: JPEG decoding with EXIF orientation (`RGBImage(data:name:limits:)`, libjpeg
// through CImageCodecs).
import FuzzSupport

/// libFuzzer's entry point: decodes the `size` bytes at `data` as a JPEG (at most 16,000,000
/// pixels) and discards the image or the thrown error; always returns 0.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  _ = try? RGBImage(
    data: Data(FuzzInput.bytes(data, size)), name: "fuzz.jpg",
    limits: ImageLimits(maxPixels: 16_000_000))
  return 0
}
