import FaceTensor
import FaceTestSupport
import Foundation
import Synchronization
import Testing

@testable import FaceNets

/// Parses the installed `shape_predictor_5_face_landmarks.dat` once for all tests; without the
/// file both results hold `MissingModelFile`.
enum InstalledShapePredictor {
  static let bytes = Result { () throws -> [UInt8] in
    try DlibModelFile.readBytes(of: MissingModelFile.check(DlibTestSupport.shapePredictorURL))
  }
  static let predictor: Result<DlibShapePredictor, Error> = bytes.flatMap { bytes in
    Result {
      try DlibShapePredictor(bytes: bytes, fileName: DlibModelFile.shapePredictor5Landmarks.name)
    }
  }
}

/// The photos of `../shared` the landmark and chip cases use, decoded once.
enum SharedPhotos {
  private static let cache = Mutex<[String: RGBImage]>([:])

  static func photo(_ path: String) throws -> RGBImage {
    if let image = cache.withLock({ $0[path] }) { return image }
    let image = try DlibTestSupport.photo(path)
    cache.withLock { $0[path] = image }
    return image
  }
}

@Suite struct DlibShapePredictorTests {
  let predictor: DlibShapePredictor

  init() throws {
    predictor = try InstalledShapePredictor.predictor.get()
  }

  @Test func theFileParsesWithItsChecksum() throws {
    let verified = try DlibShapePredictor(contentsOf: DlibTestSupport.shapePredictorURL)
    #expect(verified.partCount == 5)
    #expect(verified.cascades.count == predictor.cascades.count)
    #expect(predictor.cascades.allSatisfy { $0.anchorIndices.count == $0.deltas.count })
  }

  @Test(.enabled(if: DlibTestSupport.hasSharedData(for: "landmarksOfTheChipFixturesMatchDlib")))
  func landmarksOfTheChipFixturesMatchDlib() throws {
    for chip in try DlibChipFixtures.load().chips {
      let image = try SharedPhotos.photo(chip.source_image)
      let found = predictor.landmarks(in: image, face: DlibRectangle(ltrb: chip.hog_rect_ltrb))
      #expect(found == dlibPoints(chip.landmarks5_xy), "\(chip.chip)")
    }
  }

  @Test(.enabled(if: DlibTestSupport.hasSharedData(for: "landmarksOfSeededBoxesMatchDlib")))
  func landmarksOfSeededBoxesMatchDlib() throws {
    let cases = try DlibAlignmentCases.load().landmark_cases
    for (index, item) in cases.enumerated() {
      let image = try SharedPhotos.photo(item.photo)
      let found = predictor.landmarks(in: image, face: DlibRectangle(ltrb: item.box_ltrb))
      #expect(
        found == dlibPoints(item.landmarks_xy), "case \(index): \(item.photo) \(item.box_ltrb)")
    }
  }
}

/// Damaged copies of the shape predictor file give typed errors at the right offsets.
@Suite struct DlibShapePredictorDamageTests {
  let name = DlibModelFile.shapePredictor5Landmarks.name
  let original: [UInt8]

  init() throws {
    original = try InstalledShapePredictor.bytes.get()
  }

  private func parse(_ bytes: [UInt8], checksum: DlibChecksumPolicy = .skip) throws {
    _ = try DlibShapePredictor(bytes: bytes, fileName: name, checksum: checksum)
  }

  private func patched(at offset: Int, with replacement: [UInt8]) -> [UInt8] {
    var copy = original
    copy.replaceSubrange(offset..<offset + replacement.count, with: replacement)
    return copy
  }

  @Test func anUnknownVersionIsRefused() {
    #expect { try parse(patched(at: 0, with: [0x01, 0x02])) } throws: {
      "\($0)" == "\(name): byte 0: expected shape_predictor version 1, found 2"
    }
  }

  @Test func aDamagedControlByteIsReportedAtItsOffset() {
    // Byte 2 is the initial shape's row count control byte (0x81: negative, 1 value byte).
    #expect(
      throws: DlibFormatError.badControlByte(
        file: name, offset: 2, expected: "initial shape rows", found: 0xF1)
    ) {
      try parse(patched(at: 2, with: [0xF1]))
    }
  }

  @Test func anImpossibleShapeIsRefused() {
    // Initial shape 9x1 (an odd length), and 10x2.
    #expect(
      throws: DlibFormatError.impossibleShape(
        file: name, offset: 2, object: "initial shape", expected: "2*parts x 1 with parts >= 1",
        found: [9, 1])
    ) {
      var copy = original
      // Drop the 10th value (its mantissa and exponent) and shrink the row count.
      let (start, end) = (tenthValueRange.lowerBound, tenthValueRange.upperBound)
      copy.removeSubrange(start..<end)
      copy[3] = 9
      try parse(copy)
    }
    #expect(
      throws: DlibFormatError.impossibleShape(
        file: name, offset: 2, object: "initial shape", expected: "Nx1", found: [10, 2])
    ) {
      try parse(patched(at: 4, with: [0x81, 0x02]))
    }
  }

  /// The byte range of the initial shape's 10th value (after version, rows and columns).
  private var tenthValueRange: Range<Int> {
    var decoder = DlibDecoder(bytes: original, fileName: name)
    for _ in 0..<3 { _ = try? decoder.readInteger("skip") }
    for _ in 0..<9 { _ = try? decoder.readFloat("skip") }
    let start = decoder.offset
    _ = try? decoder.readFloat("skip")
    return start..<decoder.offset
  }

  @Test func anIncompleteTreeIsRefused() {
    // The first tree's split count 15 (0x01 0x0F) becomes 14: not 2^k - 1.
    let splits = tenthValueRange.upperBound + 5  // cascade count (2 bytes), tree count (3 bytes)
    #expect(
      throws: DlibFormatError.unexpectedValue(
        file: name, offset: splits, field: "split count",
        expected: "2^k - 1 (a complete tree)", found: "14")
    ) {
      try parse(patched(at: splits, with: [0x01, 0x0E]))
    }
  }

  @Test(arguments: [0, 1, 3, 60, 1000, 4_575_244])
  func truncationIsReportedWhereTheFieldStarts(length: Int) {
    #expect { try parse(Array(original.prefix(length))) } throws: { error in
      guard
        case .truncated(let file, let offset, _, let needed, let remaining) = error
          as? DlibFormatError
      else { return false }
      return file == name && offset <= length && offset + remaining == length && needed > remaining
    }
  }

  @Test func aHugeForestCountIsRefusedWithoutAllocating() {
    // The cascade count becomes 2^56.
    var copy = original
    let count = tenthValueRange.upperBound
    copy.replaceSubrange(count..<count + 2, with: [0x08, 0, 0, 0, 0, 0, 0, 0, 0x01])
    #expect { try parse(copy) } throws: { error in
      guard case .truncated(_, let offset, let expected, _, _) = error as? DlibFormatError
      else { return false }
      return offset == count + 9 && expected == "72057594037927936 cascade elements"
    }
  }

  @Test func theResNetFileIsNotAShapePredictor() throws {
    let other = try InstalledResNet.bytes.get()
    // Version 1 fits; the string length 13 passes as a row count, then 'l' (0x6C) is no
    // control byte.
    #expect(
      throws: DlibFormatError.badControlByte(
        file: name, offset: 4, expected: "initial shape columns", found: 0x6C)
    ) {
      try parse(other)
    }
  }

  @Test func aChangedValueFailsOnlyTheChecksum() throws {
    let copy = patched(at: tenthValueRange.lowerBound + 1, with: [0x00])
    #expect { try parse(copy, checksum: .verify) } throws: { error in
      guard case .checksumMismatch = error as? DlibFormatError else { return false }
      return true
    }
    try parse(copy, checksum: .skip)
  }
}
