import FaceTensor
import Foundation
import Testing

@testable import FacePipeline

/// libjpeg-turbo 2.1.5 round trips through Pillow, written by Scripts/fixtures/jpeg_reference.py.
struct JPEGReference: Decodable {
  struct Crop: Decodable {
    let name: String
    let height: Int
    let width: Int
    let chromaSampling: [String: String]
  }

  struct Tables: Decodable {
    let luminance: [Int]
    let chrominance: [Int]
    let chromaSampling: String
  }

  let qualities: [Int]
  let crops: [Crop]
  let quantizationTables: [String: Tables]

  static func load() throws -> JPEGReference {
    let data = try Data(contentsOf: try url(of: "jpeg-reference.json"))
    return try JSONDecoder().decode(JPEGReference.self, from: data)
  }

  static func url(of file: String) throws -> URL {
    try #require(
      Bundle.module.url(forResource: file, withExtension: nil, subdirectory: "Fixtures/jpeg"),
      "missing fixture \(file)")
  }

  /// A fixture's `[1, H, W, 3]` RGB bytes as levels.
  static func image(_ file: String, of crop: Crop) throws -> Tensor {
    let bytes = [UInt8](try Data(contentsOf: try url(of: file)))
    try #require(bytes.count == crop.height * crop.width * 3, "\(file) has \(bytes.count) bytes")
    return Tensor(shape: [1, crop.height, crop.width, 3], scalars: bytes.map(Float.init))
  }
}

/// Mean and largest absolute difference of two tensors, in levels.
func absoluteDifference(_ a: Tensor, _ b: Tensor) -> (mean: Double, max: Float) {
  let differences = zip(a.scalars, b.scalars).map { abs($0 - $1) }
  return (
    differences.reduce(0.0) { $0 + Double($1) } / Double(differences.count), differences.max()!
  )
}

@Suite struct DifferentiableJPEGFidelityTests {
  /// With exact rounding the layer's output is within about a level of what libjpeg decodes.
  ///
  /// That is on average, and at most half as far from it as the input is (so it models the
  /// compression).
  /// What is left is libjpeg's 8-bit rounding of every intermediate sample (after colour
  /// conversion, downsampling, IDCT, upsampling) and its fixed-point DCTs, which the `Float`
  /// model leaves out; a rounding difference flips a coefficient near a quantization decision
  /// boundary to the neighbouring level now and then.
  @Test func straightThroughForwardMatchesLibjpeg() throws {
    let reference = try JPEGReference.load()
    #expect(reference.qualities == [50, 75, 90])
    var report: [String] = []
    for crop in reference.crops {
      let input = try JPEGReference.image("\(crop.name).rgb", of: crop)
      for quality in reference.qualities {
        #expect(crop.chromaSampling["\(quality)"] == "4:2:0")
        let libjpeg = try JPEGReference.image("\(crop.name)-q\(quality).rgb", of: crop)
        let model = DifferentiableJPEG(quality: quality, rounding: .straightThrough)(input)
        let error = absoluteDifference(model, libjpeg)
        let compression = absoluteDifference(input, libjpeg)
        report.append(
          "\(crop.name) q\(quality): model−libjpeg mean \(error.mean) max \(error.max);"
            + " input−libjpeg mean \(compression.mean)")
        #expect(error.mean < 1.5, "\(report.last!)")
        #expect(error.mean < 0.5 * compression.mean, "\(report.last!)")
      }
    }
    print(report.joined(separator: "\n"))
  }

  /// The cubic forward (what the attack sees) stays close to libjpeg too: it adds up to 0.125 of
  /// a quantization step to each coefficient.
  @Test func cubicForwardStaysNearLibjpeg() throws {
    let reference = try JPEGReference.load()
    for crop in reference.crops {
      let input = try JPEGReference.image("\(crop.name).rgb", of: crop)
      for quality in reference.qualities {
        let libjpeg = try JPEGReference.image("\(crop.name)-q\(quality).rgb", of: crop)
        let error = absoluteDifference(DifferentiableJPEG(quality: quality)(input), libjpeg)
        print("cubic \(crop.name) q\(quality): mean \(error.mean) max \(error.max)")
        #expect(error.mean < 2.0, "\(crop.name) q\(quality): \(error)")
      }
    }
  }

  @Test func quantizationTablesMatchLibjpeg() throws {
    let reference = try JPEGReference.load()
    #expect(reference.quantizationTables.count == 8)
    for (quality, expected) in reference.quantizationTables {
      let tables = JPEGQuantizationTables(quality: try #require(Int(quality)))
      #expect(tables.luminance == expected.luminance, "quality \(quality)")
      #expect(tables.chrominance == expected.chrominance, "quality \(quality)")
      #expect(expected.chromaSampling == "4:2:0", "quality \(quality)")
    }
  }

  /// At quality 100 every step is 1: only coefficient rounding and chroma subsampling are left.
  ///
  /// Chroma subsampling alone moves colour edges by several levels (libjpeg's 4:2:0 does the
  /// same), so colour images are compared with the codec without quantization, grey ones (which
  /// lose nothing to subsampling) with themselves.
  @Test func quality100IsCloseToIdentity() throws {
    let reference = try JPEGReference.load()
    for crop in reference.crops {
      let input = try JPEGReference.image("\(crop.name).rgb", of: crop)
      let output = DifferentiableJPEG(quality: 100, rounding: .straightThrough)(input)
      let subsampledOnly = codecWithoutQuantization(input)
      let error = absoluteDifference(output, subsampledOnly)
      let subsampling = absoluteDifference(subsampledOnly, input)
      print(
        "q100 \(crop.name): to the unquantized codec mean \(error.mean) max \(error.max);"
          + " unquantized codec to input mean \(subsampling.mean)")
      #expect(error.mean < 0.35, "\(crop.name): \(error)")
    }
    // A grey image loses nothing to chroma subsampling (Cb = Cr = 128 everywhere).
    let crop = reference.crops[0]
    let colour = try JPEGReference.image("\(crop.name).rgb", of: crop)
    let grey = Tensor(
      shape: colour.shape,
      scalars: (0..<(colour.count / 3)).flatMap { p in
        [Float](repeating: colour.scalars[3 * p + 1], count: 3)
      })
    for rounding in [JPEGRoundingApproximation.straightThrough, .cubic] {
      let error = absoluteDifference(
        DifferentiableJPEG(quality: 100, rounding: rounding)(grey), grey)
      print("q100 grey \(rounding): mean \(error.mean) max \(error.max)")
      #expect(error.mean < 0.3, "\(rounding): \(error)")
      #expect(error.max < 1.5, "\(rounding): \(error)")
    }
  }
}
