import FaceTensor
import Foundation
import Testing

/// The fixtures under `Fixtures/images/`, written by `Scripts/fixtures/make_image_fixtures.py`
/// (Pillow and OpenCV; versions in the JSON files' `generator` entries).
enum ImageFixtures {
  struct Missing: Error, CustomStringConvertible {
    let description: String
  }

  /// The fixture folder inside the test bundle.
  static func folder() throws -> URL {
    guard
      let url = Bundle.module.url(
        forResource: "images", withExtension: nil, subdirectory: "Fixtures")
    else { throw Missing(description: "Fixtures/images is not in the test bundle") }
    return url
  }

  static func url(_ name: String) throws -> URL { try folder().appendingPathComponent(name) }

  // MARK: - decode_cases.json

  struct DecodeManifest: Decodable {
    let generator: [String: String]
    let decode: [DecodeCase]
    let bad: [BadFile]
  }

  /// A file Pillow decodes, with Pillow's RGB pixels in `expectedRGB`.
  struct DecodeCase: Decodable, Sendable, CustomTestStringConvertible {
    let file: String
    let format: String
    let width: Int
    let height: Int
    let expectedRGB: String

    enum CodingKeys: String, CodingKey {
      case file, format, width, height
      case expectedRGB = "expected_rgb"
    }

    var testDescription: String { file }
    var isJPEG: Bool { format == "jpeg" }

    func expectedPixels() throws -> [UInt8] { try [UInt8](Data(contentsOf: url(expectedRGB))) }
  }

  /// A file no decoder should accept, and the error the script designed it to give.
  struct BadFile: Decodable, Sendable, CustomTestStringConvertible {
    let file: String
    let error: String
    let format: String?
    let width: Int?
    let height: Int?

    var testDescription: String { file }
  }

  static func decodeManifest() throws -> DecodeManifest {
    try JSONDecoder().decode(DecodeManifest.self, from: Data(contentsOf: url("decode_cases.json")))
  }

  /// The decode cases, or none if the manifest cannot be read (`manifestsLoad` then fails).
  static let decodeCases: [DecodeCase] = (try? decodeManifest().decode) ?? []
  static let badFiles: [BadFile] = (try? decodeManifest().bad) ?? []

  // MARK: - resize_cases.json

  /// One `cv2.resize` call: its source array, method and output.
  struct ResizeCase: Decodable, Sendable, CustomTestStringConvertible {
    let opencvDType: String
    let method: String
    let sourceHeight: Int
    let sourceWidth: Int
    let channels: Int
    let width: Int
    let height: Int
    let sourceDType: String
    let source: String
    let expectedDType: String
    let expected: String

    enum CodingKeys: String, CodingKey {
      case method, channels, width, height, source, expected
      case opencvDType = "opencv_dtype"
      case sourceHeight = "source_height"
      case sourceWidth = "source_width"
      case sourceDType = "source_dtype"
      case expectedDType = "expected_dtype"
    }

    var testDescription: String {
      "\(opencvDType) \(method) \(sourceWidth)x\(sourceHeight)x\(channels) -> \(width)x\(height)"
    }

    func sourceBytes() throws -> [UInt8] { try ImageFixtures.bytes(source) }
    func expectedBytes() throws -> [UInt8] { try ImageFixtures.bytes(expected) }
    func sourceFloats() throws -> [Float] { try ImageFixtures.floats(source, dtype: sourceDType) }
    func expectedFloats() throws -> [Float] {
      try ImageFixtures.floats(expected, dtype: expectedDType)
    }
  }

  struct ResizeManifest: Decodable {
    let generator: [String: String]
    let cases: [ResizeCase]
  }

  static func resizeManifest() throws -> ResizeManifest {
    try JSONDecoder().decode(ResizeManifest.self, from: Data(contentsOf: url("resize_cases.json")))
  }

  static let resizeCases: [ResizeCase] = (try? resizeManifest().cases) ?? []

  // MARK: - shared_photos.json

  /// A photo of `../shared/data/faces` with hashes of Pillow's decode and OpenCV's resizes of it.
  struct SharedPhoto: Decodable, Sendable, CustomTestStringConvertible {
    struct Resize: Decodable, Sendable {
      let method: String
      let width: Int
      let height: Int
      let fnv1a64: String
    }

    let file: String
    let width: Int
    let height: Int
    let fnv1a64: String
    let resized: [Resize]

    var testDescription: String { file }
  }

  struct SharedPhotoManifest: Decodable {
    let generator: [String: String]
    let photos: [SharedPhoto]
  }

  static func sharedPhotoManifest() throws -> SharedPhotoManifest {
    try JSONDecoder().decode(
      SharedPhotoManifest.self, from: Data(contentsOf: url("shared_photos.json")))
  }

  static let sharedPhotos: [SharedPhoto] = (try? sharedPhotoManifest().photos) ?? []

  /// FNV-1a 64 of `bytes` as 16 lowercase hex digits (the script's `fnv1a64`).
  static func fnv1a64(_ bytes: [UInt8]) -> String {
    var digest: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes { digest = (digest ^ UInt64(byte)) &* 0x100_0000_01B3 }
    let hex = String(digest, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  static func bytes(_ base64: String) throws -> [UInt8] {
    guard let data = Data(base64Encoded: base64) else {
      throw Missing(description: "invalid base64 in resize_cases.json")
    }
    return [UInt8](data)
  }

  /// Little-endian `uint8` or `float32` values as Float.
  static func floats(_ base64: String, dtype: String) throws -> [Float] {
    let raw = try bytes(base64)
    switch dtype {
    case "uint8":
      return raw.map(Float.init)
    case "float32":
      return stride(from: 0, to: raw.count, by: 4).map { i in
        Float(
          bitPattern: UInt32(raw[i]) | UInt32(raw[i + 1]) << 8 | UInt32(raw[i + 2]) << 16
            | UInt32(raw[i + 3]) << 24)
      }
    default:
      throw Missing(description: "unexpected dtype \(dtype) in resize_cases.json")
    }
  }
}

@Suite struct ImageFixtureManifestTests {
  @Test func manifestsLoadAndListEveryFixture() throws {
    let decode = try ImageFixtures.decodeManifest()
    let resize = try ImageFixtures.resizeManifest()
    let photos = try ImageFixtures.sharedPhotoManifest()
    #expect(!decode.decode.isEmpty && !decode.bad.isEmpty && !resize.cases.isEmpty)
    #expect(!photos.photos.isEmpty && ImageFixtures.sharedPhotos.count == photos.photos.count)
    #expect(ImageFixtures.decodeCases.count == decode.decode.count)
    #expect(ImageFixtures.badFiles.count == decode.bad.count)
    #expect(ImageFixtures.resizeCases.count == resize.cases.count)
    for name in decode.decode.map(\.file) + decode.bad.map(\.file) {
      #expect(FileManager.default.fileExists(atPath: try ImageFixtures.url(name).path), "\(name)")
    }
  }
}
