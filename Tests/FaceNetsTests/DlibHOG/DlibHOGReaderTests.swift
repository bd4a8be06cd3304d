import Foundation
import Testing

@testable import FaceNets

/// Reading the saved detector, and typed errors for damaged, truncated and foreign files.
///
/// Field offsets come from `Fixtures/dlib_hog/detections.json` (`detector_file`), written by
/// `Scripts/reference/dlib_hog_reference.py`.
struct DlibHOGReaderTests {
  let name = "dlib_frontal_face_detector.svm"
  let original: [UInt8]
  let layout: DlibHOGReference.DetectorFile

  init() throws {
    original = try #require(BundledHOGDetector.bytes)
    layout = try #require(DlibHOGReference.shared?.detector_file)
  }

  private func offset(_ field: String) throws -> Int {
    try #require(layout.offsets[field], "no offset for \(field)")
  }

  private func parse(_ bytes: [UInt8]) throws -> DlibHOGFaceDetector {
    try DlibHOGFaceDetector(bytes: bytes, fileName: name)
  }

  private func patched(at offset: Int, with replacement: [UInt8]) -> [UInt8] {
    var copy = original
    copy.replaceSubrange(offset..<offset + replacement.count, with: replacement)
    return copy
  }

  @Test func theShippedDetectorHasFiveTenByTenFilters() throws {
    #expect(original.count == layout.size)
    let detector = try parse(original)
    #expect(detector.filterCount == 5)
    #expect(detector.model.cellSize == 8 && detector.model.padding == 0)
    #expect(detector.model.filterRows == 10 && detector.model.filterColumns == 10)
    #expect(detector.model.filters.allSatisfy { $0.weights.count == 3100 })
    #expect(detector.model.windowWidth == 80 && detector.model.windowHeight == 80)
  }

  @Test func theBundledResourceLoads() throws {
    #expect(try DlibHOGFaceDetector.frontalFaceDetector().filterCount == 5)
  }

  @Test(arguments: [0, 1, 9, 29, 51, 53, 31_046, 155_004])
  func aTruncatedFileIsReportedAsTruncated(_ length: Int) throws {
    #expect(length < original.count)
    #expect { try parse(Array(original.prefix(length))) } throws: { error in
      guard case .truncated(let file, let at, _, _, let remaining) = error as? DlibFormatError
      else { return false }
      return file == name && at <= length && remaining == length - at
    }
  }

  /// Damaged structural fields: (field, replacement bytes, expected message).
  @Test func damagedFieldsNameTheirOffset() throws {
    let cases: [(String, [UInt8], String)] = [
      ("object_detector version", [0x01, 0x03], "expected object_detector version 2, found 3"),
      ("scan_fhog_pyramid version", [0x01, 0x02], "expected scan_fhog_pyramid version 1, found 2"),
      (
        "cached feature pyramid size", [0x01, 0x04],
        "expected cached feature pyramid size = 0, found 4"
      ),
      ("cell size", [0x01, 0x00], "expected cell size in 2...64, found 0"),
      ("detection window width", [0x01, 0x48], "expected feature dimensions = 2790, found 3100"),
      ("feature dimensions", [0x02, 0x1D, 0x0C], "expected feature dimensions = 3100, found 3101"),
      ("filter count", [0x01, 0x00], "expected filter count >= 1, found 0"),
      (
        "filter 3 rows", [0x82, 0x1C, 0x0C],
        "expected filter weights of shape 3101x1, found 3100x1"
      ),
    ]
    for (field, replacement, message) in cases {
      let at = try offset(field)
      // The feature-dimension check happens at the dimensions field, after the window.
      let reportedAt = field == "detection window width" ? try offset("feature dimensions") : at
      #expect { try parse(patched(at: at, with: replacement)) } throws: {
        "\($0)" == "\(name): byte \(reportedAt): \(message)"
      }
    }
  }

  @Test func anOverlapThresholdAboveOneIsRefused() throws {
    // The IoU threshold's mantissa 0x...; replace the whole double by 2 (mantissa 1, exponent 1).
    let at = try offset("overlap IoU threshold")
    let end = try offset("overlap percent-covered threshold")
    var bytes = original
    bytes.replaceSubrange(at..<end, with: [0x01, 0x01, 0x01, 0x01])
    #expect { try parse(bytes) } throws: {
      "\($0)" == "\(name): byte \(at): expected overlap IoU threshold in 0...1, found 2.0"
    }
  }

  /// NaN and infinities are refused where they are read, the field named: a threshold (NaN) and
  /// the first weight of filter 0 (+infinity).
  @Test func nonFiniteValuesAreRefused() throws {
    let nan: [UInt8] = [0x01, 0x00, 0x02, 0x02, 0x7D]  // mantissa 0, exponent 32002
    let infinity: [UInt8] = [0x01, 0x00, 0x02, 0x00, 0x7D]  // mantissa 0, exponent 32000
    let iou = try offset("overlap IoU threshold")
    let end = try offset("overlap percent-covered threshold")
    var bytes = original
    bytes.replaceSubrange(iou..<end, with: nan)
    #expect { try parse(bytes) } throws: {
      "\($0)" == "\(name): byte \(iou): expected overlap IoU threshold to be a finite number, "
        + "found NaN or an infinity"
    }
    // Filter 0: rows (-3100, 3 bytes) and columns (-1, 2 bytes), then the first weight: a
    // mantissa and an exponent, each a control byte and its value bytes.
    let first = try offset("filter 0 rows") + 5
    let mantissaEnd = first + 1 + Int(original[first] & 0x0F)
    let weightEnd = mantissaEnd + 1 + Int(original[mantissaEnd] & 0x0F)
    bytes = original
    bytes.replaceSubrange(first..<weightEnd, with: infinity)
    #expect { try parse(bytes) } throws: {
      "\($0)" == "\(name): byte \(first): expected filter weight to be a finite number, "
        + "found NaN or an infinity"
    }
  }

  /// The bundled detector's SHA-256 is recorded next to its loader and checked.
  @Test func theBundledDetectorIsCheckedBySHA256() throws {
    let resource = DlibHOGFaceDetector.bundledFrontalFaceDetector
    let (url, bytes) = try resource.verifiedContents()
    #expect(bytes.count == layout.size)
    var damaged = bytes
    damaged[damaged.count - 1] ^= 0x10
    #expect(throws: BundledResourceError.self) { try resource.verify(damaged, at: url) }
  }

  @Test func trailingBytesAreRefused() {
    #expect { try parse(original + [0x01, 0x00]) } throws: {
      "\($0)" == "\(name): byte \(original.count): expected the end of the file, found 2 more bytes"
    }
  }

  @Test func aPNGFileIsNotADetector() {
    let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
    #expect { try parse(png) } throws: { error in
      guard case .badControlByte(_, 0, _, 0x89) = error as? DlibFormatError else { return false }
      return true
    }
  }

  @Test func aMissingFileIsUnreadable() {
    let url = URL(fileURLWithPath: "/nonexistent/\(name)")
    #expect { try DlibHOGFaceDetector(contentsOf: url) } throws: { error in
      guard case .unreadable(let file, _) = error as? DlibFormatError else { return false }
      return file == name
    }
  }
}
