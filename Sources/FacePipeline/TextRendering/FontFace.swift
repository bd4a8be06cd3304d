import CFreeType
import Foundation

/// One glyph rendered to an 8-bit coverage bitmap.
struct RenderedGlyph {
  /// FreeType's glyph index in the face (0 is the "missing glyph" box).
  let index: UInt32
  /// Horizontal pen advance in 1/64 pixel (26.6 fixed point), hinted.
  let advance: Int
  /// Offset from the pen position to the bitmap's left column, in pixels.
  let left: Int
  /// Offset from the baseline up to the bitmap's top row, in pixels (positive upwards).
  let top: Int
  /// Bitmap size in pixels.
  let width: Int
  let rows: Int
  /// `rows * width` coverage values, top row first: 0 transparent, 255 fully inked.
  let coverage: [UInt8]
}

/// A font file opened by FreeType at one pixel size.
///
/// It has its own `FT_Library`; face and library are freed in `deinit`. Glyphs are rendered on
/// first use and cached.
///
/// Thread safety: a FreeType face (and the size and glyph slot inside it) is mutable state that
/// FreeType does not lock. A `FontFace` is therefore not `Sendable`: use each one from one task
/// at a time. Distinct `FontFace`s share nothing (each has its own library) and can be used on
/// different threads at the same time.
final class FontFace {
  /// The font file's path.
  let path: String
  /// Requested size: the em square is `pixelSize` pixels.
  let pixelSize: Int
  /// Pixels from the baseline up to the top of the tallest glyphs (face metrics, rounded up).
  let ascender: Int
  /// Pixels from the baseline down to the bottom of the lowest glyphs (positive, rounded up).
  let descender: Int
  /// Baseline-to-baseline distance in pixels (face metrics, rounded up).
  let lineHeight: Int
  /// Whether the face has a kerning table FreeType can read.
  let hasKerning: Bool

  private let library: FT_Library
  private let face: FT_Face
  private var cache: [Unicode.Scalar: RenderedGlyph] = [:]

  /// Opens face 0 of `url` and sets its size to `pixelSize` pixels per em.
  /// - Precondition: `pixelSize > 0`.
  /// - Throws: `TextRenderingError.cannotLoadFont` with FreeType's error code.
  init(contentsOf url: URL, pixelSize: Int) throws(TextRenderingError) {
    precondition(pixelSize > 0, "[FontFace] pixel size must be positive, got \(pixelSize)")
    let path = url.path
    var newLibrary: FT_Library?
    var error = FT_Init_FreeType(&newLibrary)
    guard error == 0, let library = newLibrary else {
      throw .cannotLoadFont(
        path: path, operation: "FT_Init_FreeType", code: error)
    }
    var newFace: FT_Face?
    error = FT_New_Face(library, path, 0, &newFace)
    guard error == 0, let face = newFace else {
      FT_Done_FreeType(library)
      throw .cannotLoadFont(path: path, operation: "FT_New_Face", code: error)
    }
    error = FT_Set_Pixel_Sizes(face, 0, FT_UInt(pixelSize))
    guard error == 0 else {
      FT_Done_Face(face)
      FT_Done_FreeType(library)
      throw .cannotLoadFont(
        path: path, operation: "FT_Set_Pixel_Sizes(\(pixelSize))", code: error)
    }
    let metrics = face.pointee.size.pointee.metrics
    self.path = path
    self.pixelSize = pixelSize
    self.library = library
    self.face = face
    ascender = FontFace.pixelsRoundedUp(metrics.ascender)
    descender = FontFace.pixelsRoundedUp(-metrics.descender)
    lineHeight = FontFace.pixelsRoundedUp(metrics.height)
    hasKerning = face.pointee.face_flags & FT_Long(FT_FACE_FLAG_KERNING) != 0
  }

  deinit {
    FT_Done_Face(face)
    FT_Done_FreeType(library)
  }

  /// The glyph drawn for `scalar` (the face's "missing glyph" box when it has none).
  /// - Throws: `TextRenderingError.cannotRenderGlyph` when FreeType cannot load or render it.
  func glyph(for scalar: Unicode.Scalar) throws(TextRenderingError) -> RenderedGlyph {
    if let cached = cache[scalar] { return cached }
    let index = FT_Get_Char_Index(face, FT_ULong(scalar.value))
    let error = FT_Load_Glyph(face, index, FT_Int32(FT_LOAD_RENDER))
    guard error == 0, let slot = face.pointee.glyph else {
      throw .cannotRenderGlyph(
        path: path, scalar: scalar.value, reason: "FT_Load_Glyph failed with error \(error)")
    }
    let bitmap = slot.pointee.bitmap
    let width = Int(bitmap.width)
    let rows = Int(bitmap.rows)
    var coverage = [UInt8](repeating: 0, count: width * rows)
    if width > 0 && rows > 0 {
      guard bitmap.pixel_mode == UInt8(FT_PIXEL_MODE_GRAY.rawValue), let buffer = bitmap.buffer
      else {
        throw .cannotRenderGlyph(
          path: path, scalar: scalar.value,
          reason: "FreeType returned pixel mode \(bitmap.pixel_mode), expected 8-bit gray")
      }
      let pitch = Int(bitmap.pitch)
      let grays = max(1, Int(bitmap.num_grays) - 1)
      for row in 0..<rows {
        // A negative pitch means the rows are stored bottom-up.
        let source = buffer + (pitch >= 0 ? row * pitch : (rows - 1 - row) * -pitch)
        for column in 0..<width {
          coverage[row * width + column] = UInt8(Int(source[column]) * 255 / grays)
        }
      }
    }
    let glyph = RenderedGlyph(
      index: index, advance: Int(slot.pointee.advance.x),
      left: Int(slot.pointee.bitmap_left), top: Int(slot.pointee.bitmap_top),
      width: width, rows: rows, coverage: coverage)
    cache[scalar] = glyph
    return glyph
  }

  /// The kerning adjustment between two glyph indices in 1/64 pixel (usually negative or 0),
  /// scaled but not grid-fitted (`FT_KERNING_UNFITTED`: the default mode rounds to whole pixels
  /// and damps kerning below 25 ppem, which removes it entirely at caption sizes).
  func kerning(between left: UInt32, and right: UInt32) -> Int {
    guard hasKerning, left != 0, right != 0 else { return 0 }
    var delta = FT_Vector()
    let error = FT_Get_Kerning(face, left, right, FT_UInt(FT_KERNING_UNFITTED.rawValue), &delta)
    return error == 0 ? Int(delta.x) : 0
  }

  /// 26.6 fixed point to whole pixels, rounded up.
  private static func pixelsRoundedUp(_ value: FT_Pos) -> Int {
    (Int(value) + 63) >> 6
  }
}
