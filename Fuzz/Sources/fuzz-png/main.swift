import FaceNets
import Foundation
// libFuzzer target: PNG decoding (`RGBImage(data:name:limits:)`, libpng through CImageCodecs).
import FuzzSupport

/// libFuzzer's entry point: decodes the `size` bytes at `data` as a PNG (at most 16,000,000
/// pixels) and discards the image or the thrown error; always returns 0.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  _ = try? RGBImage(
    data: Data(FuzzInput.bytes(data, size)), name: "fuzz.png",
    limits: ImageLimits(maxPixels: 16_000_000))
  return 0
}
