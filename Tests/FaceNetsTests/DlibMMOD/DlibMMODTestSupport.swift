import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// Parses the installed `mmod_human_face_detector.dat` once for all tests; without the file both
/// results hold `MissingModelFile`.
enum InstalledMMOD {
  static let name = DlibModelFile.mmodHumanFaceDetector.name
  static let bytes = Result { () throws -> [UInt8] in
    try DlibModelFile.readBytes(of: MissingModelFile.check(DlibTestSupport.mmodURL))
  }
  static let description: Result<DlibMMODDescription, Error> = bytes.flatMap { bytes in
    Result { try DlibMMODDescription(bytes: bytes, fileName: name) }
  }
}

/// Where the fields of the published file are, found from its bytes: the offsets of the layers'
/// version strings (searched for in order) and the fixed sizes of the encodings around them.
///
/// Integers below 256 take two bytes (`01 nn`), 256...65535 three (`02 lo hi`); a string is its
/// length then its bytes; an empty tensor is `01 02` plus four `01 00` (10 bytes); a layer's
/// trailer is three bools and three empty tensors (33 bytes), the input wrapper's adds
/// `sample_expansion_factor` (`01 01`, 35 bytes).
struct MMODLayout {
  /// Offset of each of the 19 layers' version string.
  let layerStarts: [Int]
  /// Offset of the input layer's version string.
  let inputStart: Int
  /// Offset of `mmod_options`' version (after the loss wrapper's version and `loss_mmod_`).
  let optionsStart = 2 + 12
  /// Offset of the first of the 19 wrapper versions (the options end there).
  let wrappersStart: Int
  /// The file's size.
  let count: Int

  init(_ bytes: [UInt8]) throws {
    var starts: [Int] = []
    var from = 0
    for slot in DlibMMODTopology.slots {
      let version: String
      switch slot {
      case .convolution: version = "con_4"
      case .affine: version = "bn_con2"
      case .relu: version = "relu_"
      }
      let at = try #require(bytes.offset(of: dlibString(version), from: from))
      starts.append(at)
      from = at + 1
    }
    layerStarts = starts
    inputStart = try #require(bytes.offset(of: dlibString("input_rgb_image_pyramid"), from: 0))
    wrappersStart = inputStart - 2 * 19
    count = bytes.count
  }

  /// Offset of layer `index`'s trailer (its first bool).
  func trailerStart(of index: Int) -> Int {
    index == layerStarts.count - 1 ? count - 33 : layerStarts[index + 1] - (index == 0 ? 35 : 33)
  }

  /// Offset of the first float of a `con_4` layer's parameters: the version string (7 bytes),
  /// the tensor version (2) and the extents (N takes 3 bytes in this file, then 3 x 2).
  func convolutionData(of index: Int) -> Int { layerStarts[index] + 7 + 2 + 3 + 6 }

  /// Offset of the first float of a `bn_con2` layer's parameters (version string 9 bytes, tensor
  /// version 2, extents 4 x 2).
  func batchNormData(of index: Int) -> Int { layerStarts[index] + 9 + 2 + 8 }

  /// Offset of the first running variance of a `bn_con2` layer over `channels` channels: after
  /// the parameters (`2C` floats), the gamma and beta views (10 bytes each) and three tensors of
  /// `C` floats (10-byte headers), then that tensor's own header.
  func runningVarianceData(of index: Int, channels: Int) -> Int {
    batchNormData(of: index) + 4 * 2 * channels + 20 + 3 * (10 + 4 * channels) + 10
  }
}

/// A dlib string: its length as a one-byte integer, then its bytes.
func dlibString(_ text: String) -> [UInt8] {
  [0x01, UInt8(text.utf8.count)] + Array(text.utf8)
}

/// A non-negative integer below 65,536 in dlib's encoding.
func dlibInteger(_ value: Int) -> [UInt8] {
  value < 256 ? [0x01, UInt8(value)] : [0x02, UInt8(value & 0xFF), UInt8(value >> 8)]
}

/// The little-endian bytes of IEEE floats.
func littleEndianBytes(_ values: [Float]) -> [UInt8] {
  values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) }
  }
}

extension Array where Element == UInt8 {
  /// The first offset at or after `from` where `pattern` occurs.
  func offset(of pattern: [UInt8], from: Int) -> Int? {
    guard from >= 0, from + pattern.count <= count else { return nil }
    return (from...(count - pattern.count)).first { start in
      self[start..<start + pattern.count].elementsEqual(pattern)
    }
  }

  /// A copy with `range` replaced by `replacement` (of any length).
  func replacing(_ range: Range<Int>, with replacement: [UInt8]) -> [UInt8] {
    var copy = self
    copy.replaceSubrange(range, with: replacement)
    return copy
  }

  /// The little-endian float at `offset`.
  func float(at offset: Int) -> Float {
    Float(
      bitPattern: (0..<4).reduce(UInt32(0)) { bits, i in bits | UInt32(self[offset + i]) << (8 * i)
      }
    )
  }
}
