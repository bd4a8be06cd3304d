import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// A seeded synthetic image for the histogram tests.
struct FHOGImageCase: CustomTestStringConvertible, Sendable {
  enum Pixels: Sendable {
    /// Every byte uniform in `0 ... 255`.
    case noise
    /// Every byte one of 0, 40, 80: the channels' squared gradients (multiples of 1600 from a
    /// handful of values) are often equal in different directions, so both tie rules matter.
    case threeLevels
  }

  let width: Int
  let height: Int
  let cellSize: Int
  let pixels: Pixels
  let seed: UInt64

  var testDescription: String { "\(width)x\(height) \(pixels), cells of \(cellSize)" }

  var image: RGBImage {
    var generator = SplitMix64(seed: seed)
    let bytes = (0..<width * height * 3).map { _ in
      let random = generator.next()
      switch pixels {
      case .noise: return UInt8(truncatingIfNeeded: random)
      case .threeLevels: return UInt8(random % 3) * 40
      }
    }
    return RGBImage(width: width, height: height, pixels: bytes)
  }

  /// Sizes chosen for the number of columns left after dlib's 8-column blocks (0 to 7) and for
  /// cells reaching beyond the image, in both kinds of pixels.
  static let all: [FHOGImageCase] = [
    (61, 45, 8),  // 3 single columns; the last cell row and column beyond the image
    (59, 77, 8),  // 6; the last cell row beyond the image
    (203, 158, 8),  // 6
    (42, 31, 3),  // 0; the last image row beyond the cells
    (43, 31, 5),  // 1
    (71, 23, 7),  // 4
    (33, 47, 5),  // 7
    (9, 10, 3),  // 7 and no block
  ].enumerated().flatMap { i, size in
    [Pixels.noise, .threeLevels].map {
      FHOGImageCase(
        width: size.0, height: size.1, cellSize: size.2, pixels: $0, seed: UInt64(100 + i))
    }
  }
}

/// The production histograms (`DlibFHOGGradientField` then `DlibFHOGHistograms`) against the
/// plain `DlibFHOGReferenceHistograms`, bit for bit, and the reference with a wrong rule against
/// them, which must differ.
struct DlibFHOGHistogramTests {
  /// The first value of cells `rows x columns` whose bits differ, described; nil if none does.
  private func firstDifference(
    _ production: DlibFHOGHistograms, _ reference: DlibFHOGReferenceHistograms,
    rows: Range<Int>, columns: Range<Int>
  ) -> String? {
    for r in rows {
      for c in columns {
        for o in 0..<18 {
          let value = production.values[(r * production.stride + c) * 18 + o]
          let expected = reference[row: r, column: c, bin: o]
          if value.bitPattern != expected.bitPattern {
            return "cell (\(r), \(c)) bin \(o): \(value), reference \(expected)"
          }
        }
      }
    }
    return nil
  }

  /// Checks the histograms of `image` computed for the whole grid and for 3 parts of it: the
  /// top-left corner, the middle, and the bottom-right corner (where single columns vote).
  private func expectEqualHistograms(of image: RGBImage, cellSize: Int) {
    let grid = DlibFHOGCellGrid(
      imageWidth: image.width, imageHeight: image.height, cellSize: cellSize)
    let reference = DlibFHOGReferenceHistograms(image: image, cellSize: cellSize)
    #expect(grid.cellRows == reference.cellRows && grid.cellColumns == reference.cellColumns)
    let (rows, columns) = (grid.cellRows + 2, grid.cellColumns + 2)
    let parts = [
      (0..<rows, 0..<columns), (0..<2, 0..<3),
      (rows / 2 - 1..<rows / 2 + 1, columns / 2 - 1..<columns / 2 + 2),
      (rows - 3..<rows, columns - 3..<columns),
    ]
    for (partRows, partColumns) in parts {
      let production = DlibFHOGHistograms(
        image: image, grid: grid, rows: partRows, columns: partColumns)
      #expect(production.values.count == reference.values.count)
      let difference = firstDifference(
        production, reference, rows: partRows, columns: partColumns)
      #expect(difference == nil, "cells \(partRows) x \(partColumns): \(difference ?? "")")
    }
  }

  @Test(arguments: FHOGImageCase.all)
  func histogramsOfSyntheticImagesEqualTheReference(_ c: FHOGImageCase) {
    expectEqualHistograms(of: c.image, cellSize: c.cellSize)
  }

  @Test(
    .enabled(if: SharedData.isAvailable(for: "histogramsOfSharedPhotosEqualTheReference")),
    arguments: DlibHOGReference.shared?.photos.map(\.path) ?? [])
  func histogramsOfSharedPhotosEqualTheReference(_ path: String) throws {
    expectEqualHistograms(of: try RGBImage(contentsOf: SharedData.url(path)), cellSize: 8)
  }

  /// The reference with one path's rule swapped, and an image where the swap shows.
  struct WrongRule: CustomTestStringConvertible, Sendable {
    let testDescription: String
    let block: DlibFHOGReferenceHistograms.PathRules
    let singleColumn: DlibFHOGReferenceHistograms.PathRules
    let example: FHOGImageCase

    static let all = [
      WrongRule(
        testDescription: "single columns breaking ties like blocks", block: .dlibBlock,
        singleColumn: .init(ties: .lastChannel, votes: .singleColumn),
        example: FHOGImageCase(width: 61, height: 45, cellSize: 8, pixels: .threeLevels, seed: 1)),
      WrongRule(
        testDescription: "blocks breaking ties like single columns",
        block: .init(ties: .firstChannel, votes: .block), singleColumn: .dlibSingleColumn,
        example: FHOGImageCase(width: 61, height: 45, cellSize: 8, pixels: .threeLevels, seed: 1)),
      WrongRule(
        testDescription: "single columns rounding votes like blocks", block: .dlibBlock,
        singleColumn: .init(ties: .firstChannel, votes: .block),
        example: FHOGImageCase(width: 61, height: 45, cellSize: 8, pixels: .noise, seed: 2)),
      WrongRule(
        testDescription: "blocks rounding votes like single columns",
        block: .init(ties: .lastChannel, votes: .singleColumn), singleColumn: .dlibSingleColumn,
        example: FHOGImageCase(width: 61, height: 45, cellSize: 8, pixels: .noise, seed: 2)),
    ]
  }

  @Test(arguments: WrongRule.all)
  func aReferenceWithAWrongRuleDiffers(_ wrong: WrongRule) {
    let image = wrong.example.image
    let cellSize = wrong.example.cellSize
    let grid = DlibFHOGCellGrid(
      imageWidth: image.width, imageHeight: image.height, cellSize: cellSize)
    let (rows, columns) = (0..<grid.cellRows + 2, 0..<grid.cellColumns + 2)
    let production = DlibFHOGHistograms(image: image, grid: grid, rows: rows, columns: columns)
    let right = DlibFHOGReferenceHistograms(image: image, cellSize: cellSize)
    let misled = DlibFHOGReferenceHistograms(
      image: image, cellSize: cellSize, blockRules: wrong.block,
      singleColumnRules: wrong.singleColumn)
    #expect(firstDifference(production, right, rows: rows, columns: columns) == nil)
    #expect(firstDifference(production, misled, rows: rows, columns: columns) != nil)
  }
}
