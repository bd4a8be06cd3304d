import FaceTensor
import Testing

@Suite struct SplitMix64Tests {
  /// The first outputs for seed 0 of the reference `splitmix64.c` (Vigna), so that a seed gives
  /// the same draws as every other SplitMix64.
  @Test func firstDrawsAreTheReferenceImplementations() {
    var generator = SplitMix64(seed: 0)
    #expect(
      [generator.next(), generator.next(), generator.next()] == [
        0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F,
      ])
  }

  @Test func unitIsTheTop53BitsOfADraw() {
    var a = SplitMix64(seed: 7)
    var b = SplitMix64(seed: 7)
    for _ in 0..<100 {
      let unit = a.unit()
      #expect(unit == Double(b.next() >> 11) / 9_007_199_254_740_992)
      #expect((0..<1).contains(unit))
    }
  }

  @Test func drawsStayInTheirRangesAndNormalsHaveUnitSpread() {
    var generator = SplitMix64(seed: 3)
    let uniforms = (0..<1000).map { _ in generator.uniform(-2...5) }
    #expect(uniforms.allSatisfy { (-2...5).contains($0) })
    let normals = (0..<20_000).map { _ in generator.normal() }
    let mean = normals.reduce(0, +) / Double(normals.count)
    let variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(normals.count)
    #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05, "mean \(mean), variance \(variance)")
  }
}
