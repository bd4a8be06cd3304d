#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A small, fast, seedable random number generator (SplitMix64; Steele, Lea and Flood 2014):
/// the same seed gives the same sequence on every run and machine, so every random draw of the
/// project (attack starts, EOT warps, test data) is reproducible.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  /// A generator whose sequence is determined by `seed`.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform `Float` in `range` (`Float.random(in:using:)`).
  public mutating func uniform(_ range: ClosedRange<Float> = -1...1) -> Float {
    Float.random(in: range, using: &self)
  }

  /// A uniform `Double` in `0 ..< 1`: the top 53 bits of one draw, times 2⁻⁵³ (written out, so
  /// that the sequence does not depend on the standard library's algorithm).
  public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

  /// A standard normal sample (Box-Muller, in `Double`).
  public mutating func normal() -> Double {
    let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
    let u2 = Double.random(in: 0..<1, using: &self)
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
  }
}
