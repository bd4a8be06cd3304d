import FaceNets
import Foundation
// libFuzzer target: PNG decoding (`RGBImage(data:name:limits:)`, libpng through CImageCodecs).
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  _ = try? RGBImage(
    data: Data(FuzzInput.bytes(data, size)), name: "fuzz.png",
    limits: ImageLimits(maxPixels: 16_000_000))
  return 0
}
