/// The JFIF colour transform between RGB and full-range YCbCr (libjpeg `jccolor.c`/`jdcolor.c`).
///
/// The level shift by 128 is folded in: the `*Centered` values are `Y − 128`, `Cb − 128`,
/// `Cr − 128`, what JPEG's DCT takes. Pixel units: levels of 0...255.
enum JFIFColor {
  // RGB -> YCbCr rows.
  static let yR: Float = 0.299
  static let yG: Float = 0.587
  static let yB: Float = 0.114
  static let cbR: Float = -0.16874
  static let cbG: Float = -0.33126
  static let cbB: Float = 0.5
  static let crR: Float = 0.5
  static let crG: Float = -0.41869
  static let crB: Float = -0.08131
  // YCbCr -> RGB coefficients of the centred chroma.
  static let rCr: Float = 1.402
  static let gCb: Float = -0.34414
  static let gCr: Float = -0.71414
  static let bCb: Float = 1.772

  /// `Y − 128` of an RGB pixel.
  @inline(__always)
  static func lumaCentered(_ r: Float, _ g: Float, _ b: Float) -> Float {
    yR * r + yG * g + yB * b - 128
  }

  /// `Cb − 128` of an RGB pixel.
  @inline(__always)
  static func blueDifference(_ r: Float, _ g: Float, _ b: Float) -> Float {
    cbR * r + cbG * g + cbB * b
  }

  /// `Cr − 128` of an RGB pixel.
  @inline(__always)
  static func redDifference(_ r: Float, _ g: Float, _ b: Float) -> Float {
    crR * r + crG * g + crB * b
  }
}
