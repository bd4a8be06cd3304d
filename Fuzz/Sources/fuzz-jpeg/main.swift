import FaceNets
import Foundation
// libFuzzer target: JPEG decoding with EXIF orientation (`RGBImage(data:name:limits:)`, libjpeg
// through CImageCodecs).
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  _ = try? RGBImage(
    data: Data(FuzzInput.bytes(data, size)), name: "fuzz.jpg",
    limits: ImageLimits(maxPixels: 16_000_000))
  return 0
}
