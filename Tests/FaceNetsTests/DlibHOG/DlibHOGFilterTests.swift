import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// The filter bank, the two ways of filtering, and features computed for a part of an image.
struct DlibHOGFilterTests {
  let detector: DlibHOGFaceDetector

  init() throws {
    detector = try #require(BundledHOGDetector.detector)
  }

  @Test func theBankKeepsTheSVDTermsNumpyKeeps() throws {
    let ranks = try #require(DlibHOGReference.shared?.separable_ranks)
    #expect(ranks.count == detector.banks.count)
    for (bank, expected) in zip(detector.banks, ranks) {
      let counts = (0..<31).map { plane in bank.terms.filter { $0.plane == plane }.count }
      #expect(counts == expected)
      #expect(bank.usesSeparableTerms)
    }
  }

  @Test func separableTermsRebuildThePlaneWeights() throws {
    // Every plane's weights, from its kept terms (sum of columnFilter x rowFilter outer
    // products), within the dropped singular values: at most 10 of them, each below
    // max(1e-4, 0.001 * the largest), which is at most the Frobenius norm.
    let model = detector.model
    for (filter, bank) in zip(model.filters, detector.banks) {
      for plane in 0..<31 {
        var rebuilt = [Double](repeating: 0, count: 100)
        for term in bank.terms where term.plane == plane {
          for m in 0..<10 {
            for n in 0..<10 {
              rebuilt[m * 10 + n] += Double(term.columnFilter[m]) * Double(term.rowFilter[n])
            }
          }
        }
        let weights = filter.weights[plane * 100..<(plane + 1) * 100]
        let frobenius = weights.map { $0 * $0 }.reduce(0, +).squareRoot()
        let error = zip(rebuilt, weights).map { abs($0 - $1) }.max() ?? 0
        #expect(error <= 0.01 * frobenius + 1e-3, "plane \(plane): \(error) vs \(frobenius)")
        #expect(error > 0)
      }
    }
  }

  /// A seeded random RGB image.
  private func randomImage(width: Int, height: Int, seed: UInt64) -> RGBImage {
    var generator = SplitMix64(seed: seed)
    let pixels = (0..<width * height * 3).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    return RGBImage(width: width, height: height, pixels: pixels)
  }

  @Test func fullAndSeparableFilteringAgreeUpToTheDroppedTerms() throws {
    let image = randomImage(width: 173, height: 141, seed: 7)
    let features = DlibFHOGFeatures(image: image, cellSize: 8, filterRows: 10, filterColumns: 10)
    let bank = detector.banks[0]
    let full = DlibHOGFilterBank(fullWeightsOf: bank)
    let separable = DlibHOGFilterResponse(
      features: features, bank: bank, filterRows: 10, filterColumns: 10)
    let reference = DlibHOGFilterResponse(
      features: features, bank: full, filterRows: 10, filterColumns: 10)
    #expect(separable.rows == reference.rows && separable.columns == reference.columns)
    #expect(separable.rows * separable.columns > 100)
    let error = zip(separable.values, reference.values).map { abs($0 - $1) }.max() ?? 1
    #expect(error < 1e-3, "largest difference \(error)")
  }

  @Test func featuresOfAPartEqualThoseOfTheWholeImage() {
    let image = randomImage(width: 203, height: 158, seed: 11)
    let whole = DlibFHOGFeatures(image: image, cellSize: 8, filterRows: 10, filterColumns: 10)
    let (rows, columns) = (7..<19, 3..<24)
    let part = DlibFHOGFeatures(
      image: image, cellSize: 8, filterRows: 10, filterColumns: 10, planeRows: rows,
      planeColumns: columns)
    #expect(part.rows == whole.rows && part.columns == whole.columns)
    var differing = 0
    for plane in 0..<31 {
      for r in rows {
        for c in columns {
          let index = (plane * whole.rows + r) * whole.columns + c
          if part.planes[index] != whole.planes[index] { differing += 1 }
        }
      }
    }
    #expect(differing == 0)
    // Outside the part nothing is computed.
    #expect(part.planes[(5 * whole.rows + 30) * whole.columns + 30] == 0)
    #expect(whole.planes[(5 * whole.rows + 12) * whole.columns + 12] != 0)
  }

  @Test func responsesOfAPartEqualThoseOfTheWholeArea() {
    let image = randomImage(width: 211, height: 170, seed: 3)
    let features = DlibFHOGFeatures(image: image, cellSize: 8, filterRows: 10, filterColumns: 10)
    let bank = detector.banks[2]
    let whole = DlibHOGFilterResponse(
      features: features, bank: bank, filterRows: 10, filterColumns: 10)
    let part = DlibHOGFilterResponse(
      features: features, bank: bank, filterRows: 10, filterColumns: 10, rowRange: 9..<14,
      columnRange: 6..<27)
    #expect(part.rows == 5 && part.columns == 21)
    for i in 0..<part.rows {
      for j in 0..<part.columns {
        let (r, c) = (part.firstRow + i, part.firstColumn + j)
        let w = whole.values[(r - whole.firstRow) * whole.columns + c - whole.firstColumn]
        #expect(part.values[i * part.columns + j] == w, "(\(r), \(c))")
      }
    }
  }

  @Test(arguments: [(0, 0), (1, 1), (5, 7), (40, 30), (90, 17)])
  func tinyImagesHaveNoFaces(_ size: (Int, Int)) {
    let image = randomImage(width: size.0, height: size.1, seed: 5)
    for upsample in 0...2 {
      #expect(detector.detect(in: image, upsample: upsample).isEmpty)
    }
  }
}
