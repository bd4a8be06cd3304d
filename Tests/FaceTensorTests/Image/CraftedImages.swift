import Foundation

/// Small PNG and JPEG files written byte by byte in the tests, for variants the encoders do not
/// make (16-bit PNGs, progressive JPEGs with a chosen scan sequence).
enum CraftedImages {
  // MARK: - PNG

  /// A non-interlaced PNG of `samples` (row-major, `channels` per pixel, big-endian when
  /// `bitDepth` is 16), its image data in stored (uncompressed) deflate blocks.
  /// - Parameter colorType: 0 gray, 2 RGB, 4 gray + alpha, 6 RGBA.
  static func png(width: Int, height: Int, bitDepth: Int, colorType: UInt8, samples: [UInt16])
    -> Data
  {
    let channels = [0: 1, 2: 3, 4: 2, 6: 4][Int(colorType)] ?? 1
    precondition(samples.count == width * height * channels, "[CraftedImages] sample count")
    var raw: [UInt8] = []
    for y in 0..<height {
      raw.append(0)  // filter type None
      for sample in samples[(y * width * channels)..<((y + 1) * width * channels)] {
        if bitDepth == 16 {
          raw += [UInt8(sample >> 8), UInt8(sample & 0xFF)]
        } else {
          raw.append(UInt8(sample))
        }
      }
    }
    var header: [UInt8] = []
    header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
    header += [UInt8(bitDepth), colorType, 0, 0, 0]
    var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    file += chunk("IHDR", header) + chunk("IDAT", storedZlib(raw)) + chunk("IEND", [])
    return Data(file)
  }

  private static func chunk(_ kind: String, _ payload: [UInt8]) -> [UInt8] {
    let typed = Array(kind.utf8) + payload
    return bigEndian(UInt32(payload.count)) + typed + bigEndian(crc32(typed))
  }

  /// A zlib stream of stored deflate blocks (at most 65,535 bytes each).
  private static func storedZlib(_ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0x78, 0x01]
    var offset = 0
    repeat {
      let length = min(65_535, data.count - offset)
      let isLast: UInt8 = offset + length == data.count ? 1 : 0
      out += [isLast, UInt8(length & 0xFF), UInt8(length >> 8)]
      out += [UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
      out += data[offset..<(offset + length)]
      offset += length
    } while offset < data.count
    var a: UInt32 = 1
    var b: UInt32 = 0
    for byte in data {
      a = (a + UInt32(byte)) % 65_521
      b = (b + a) % 65_521
    }
    return out + bigEndian(b << 16 | a)
  }

  private static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
  }

  private static func bigEndian(_ value: UInt32) -> [UInt8] {
    [
      UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF),
      UInt8(value & 0xFF),
    ]
  }

  // MARK: - JPEG

  /// One scan of a progressive JPEG: spectral selection `Ss...Se` and successive approximation
  /// `Ah`, `Al` (JPEG's names).
  struct Scan {
    var ss: UInt8 = 0
    var se: UInt8 = 0
    var ah: UInt8 = 0
    var al: UInt8 = 0

    /// A DC first scan (every DC difference coded as 0).
    static let dcFirst = Scan()
    /// A DC refinement scan of bit `ah - 1`.
    static func dcRefinement(ah: UInt8) -> Scan { Scan(ah: ah, al: ah - 1) }
  }

  /// A progressive (SOF2) 8x8 gray JPEG made only of DC scans, in the order given.
  ///
  /// One block, whose DC difference is 0 in every first scan (a 1-bit Huffman code) and whose
  /// refinement bits are 0. Decoded, every pixel is 128.
  static func progressiveJPEG(scans: [Scan]) -> Data {
    var file: [UInt8] = [0xFF, 0xD8]
    file += segment(0xDB, [0x00] + [UInt8](repeating: 1, count: 64))  // DQT 0, all ones
    file += segment(0xC2, [8, 0, 8, 0, 8, 1, 1, 0x11, 0])  // SOF2: 8x8, one component
    file += segment(0xC4, [0x00, 1] + [UInt8](repeating: 0, count: 15) + [0x00])  // DC table 0
    for scan in scans {
      file += segment(0xDA, [1, 1, 0x00, scan.ss, scan.se, scan.ah << 4 | scan.al])
      file.append(0x7F)  // one 0 bit (the code of difference 0, or a refinement bit), 1-padded
    }
    return Data(file + [0xFF, 0xD9])
  }

  private static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
    let length = payload.count + 2
    return [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
  }
}
