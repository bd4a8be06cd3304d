import FaceTensor

/// The lossy core of JPEG on one plane: per 8×8 block, forward DCT, division by the quantization
/// table, (approximate) rounding, multiplication by the table, inverse DCT.
///
/// Planes are row-major `[height, width]` `Float`s, both sides multiples of 8, holding
/// level-shifted samples (`value − 128`). The backward pass of block `X ↦ Cᵀ·(Q ⊙ round~(C·X·Cᵀ / Q))·C`
/// is `dX = Cᵀ·(round~′ ⊙ (C·dY·Cᵀ))·C` (the Q factors cancel), with `round~′` the derivative
/// saved by the forward pass (see `JPEGRoundingApproximation`).
struct JPEGBlockQuantizer: Sendable {
  /// The quantization table, row-major 8×8, as eight rows.
  let table: [SIMD8<Float>]
  /// Its reciprocals.
  let reciprocal: [SIMD8<Float>]
  let rounding: JPEGRoundingApproximation
  let basis: DCTBasis

  init(table: [Int], rounding: JPEGRoundingApproximation, basis: DCTBasis = .jpeg) {
    precondition(table.count == 64, "[JPEGBlockQuantizer] table needs 64 entries")
    let rows = (0..<8).map { u in SIMD8<Float>((0..<8).map { Float(table[u * 8 + $0]) }) }
    self.table = rows
    self.reciprocal = rows.map { 1 / $0 }
    self.rounding = rounding
    self.basis = basis
  }

  /// Replaces each block of `plane` by its quantized reconstruction; when `derivatives` is given
  /// (same layout as the plane), writes the rounding derivative of every coefficient there.
  func quantize(
    _ plane: UnsafeMutablePointer<Float>, derivatives: UnsafeMutablePointer<Float>?,
    height: Int, width: Int
  ) {
    let planeBox = UnsafeSendable(plane)
    let derivativeBox = UnsafeSendable(derivatives)
    table.withUnsafeBufferPointer { table in
      reciprocal.withUnsafeBufferPointer { reciprocal in
        basis.rows.withUnsafeBufferPointer { cRows in
          basis.columns.withUnsafeBufferPointer { cColumns in
            let c = (rows: cRows.baseAddress!, columns: cColumns.baseAddress!)
            let q = (table: table.baseAddress!, reciprocal: reciprocal.baseAddress!)
            Parallel.forEachChunk(of: height / 8) { blockRows in
              withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 16) { buffer in
                let block = buffer.baseAddress!
                let scratch = block + 8
                for blockRow in blockRows {
                  for blockColumn in 0..<(width / 8) {
                    let origin = blockRow * 8 * width + blockColumn * 8
                    load(block, from: planeBox.pointer + origin, width: width)
                    transformBlock(block, aRows: c.rows, aColumns: c.columns, scratch: scratch)
                    for u in 0..<8 {
                      let (value, derivative) = rounding.apply(to: block[u] * q.reciprocal[u])
                      block[u] = value * q.table[u]
                      scratch[u] = derivative
                    }
                    if let derivatives = derivativeBox.pointer {
                      store(scratch, to: derivatives + origin, width: width)
                    }
                    transformBlock(block, aRows: c.columns, aColumns: c.rows, scratch: scratch)
                    store(block, to: planeBox.pointer + origin, width: width)
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// Backward pass of `quantize`, in place on a gradient plane: each block becomes
  /// `Cᵀ·(derivatives ⊙ (C·dY·Cᵀ))·C`.
  /// - Precondition: `.cubic` rounding (the `.straightThrough` backward is the identity: the
  ///   caller skips it).
  func quantizeBackward(
    _ gradient: UnsafeMutablePointer<Float>, derivatives: UnsafePointer<Float>,
    height: Int, width: Int
  ) {
    precondition(
      rounding == .cubic, "[JPEGBlockQuantizer] the straight-through backward is the identity")
    let gradientBox = UnsafeSendable(gradient)
    let derivativeBox = UnsafeSendable(derivatives)
    basis.rows.withUnsafeBufferPointer { cRows in
      basis.columns.withUnsafeBufferPointer { cColumns in
        let c = (rows: cRows.baseAddress!, columns: cColumns.baseAddress!)
        Parallel.forEachChunk(of: height / 8) { blockRows in
          withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 24) { buffer in
            let block = buffer.baseAddress!
            let scratch = block + 8
            let gate = block + 16
            for blockRow in blockRows {
              for blockColumn in 0..<(width / 8) {
                let origin = blockRow * 8 * width + blockColumn * 8
                load(block, from: gradientBox.pointer + origin, width: width)
                load(gate, from: derivativeBox.pointer + origin, width: width)
                transformBlock(block, aRows: c.rows, aColumns: c.columns, scratch: scratch)
                for u in 0..<8 { block[u] *= gate[u] }
                transformBlock(block, aRows: c.columns, aColumns: c.rows, scratch: scratch)
                store(block, to: gradientBox.pointer + origin, width: width)
              }
            }
          }
        }
      }
    }
  }
}

/// Reads the 8×8 block at `source` (rows `width` apart) into eight SIMD rows.
@inline(__always)
private func load(
  _ block: UnsafeMutablePointer<SIMD8<Float>>, from source: UnsafePointer<Float>, width: Int
) {
  for row in 0..<8 {
    block[row] = UnsafeRawPointer(source + row * width).loadUnaligned(as: SIMD8<Float>.self)
  }
}

/// Writes eight SIMD rows as the 8×8 block at `destination` (rows `width` apart).
@inline(__always)
private func store(
  _ block: UnsafePointer<SIMD8<Float>>, to destination: UnsafeMutablePointer<Float>, width: Int
) {
  for row in 0..<8 {
    UnsafeMutableRawPointer(destination + row * width).storeBytes(
      of: block[row], as: SIMD8<Float>.self)
  }
}
