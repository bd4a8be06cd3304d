import FaceTensor
import FaceTestSupport
import Testing

@testable import Adversary

@Suite struct AttackInputsTests {
  /// Images `[3, 1, 2, 2]` whose values are their flat indices.
  static let images = Tensor(shape: [3, 1, 2, 2], scalars: (0..<12).map { Float($0) })

  @Test func aMaskBroadcastsOverTheBatchAndTheChannels() throws {
    let pixels = Tensor(shape: [1, 1, 2, 1], scalars: [0, 1])
    let inputs = try AttackInputs(images: AttackInputsTests.images, bounds: 0...255, mask: pixels)
    #expect(inputs.mask == [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1])
    let values = (0..<12).map { Float($0 % 3 == 0 ? 0 : 1) }
    let full = Tensor(shape: [3, 1, 2, 2], scalars: values)
    let same = try AttackInputs(images: AttackInputsTests.images, bounds: 0...255, mask: full)
    #expect(same.mask == values)
  }

  @Test func gatherCopiesASubsetInOrderAndPassesTheWholeBatchThrough() throws {
    let images = AttackInputsTests.images
    let inputs = try AttackInputs(images: images, bounds: 0...255, mask: nil)
    var buffer = Tensor(zeros: [0])
    let subset = inputs.gather(images, samples: [2, 0], into: &buffer)
    #expect(subset.shape == [2, 1, 2, 2])
    #expect(subset.scalars == [8, 9, 10, 11, 0, 1, 2, 3])
    #expect(buffer == subset)
    #expect(inputs.gather(images, samples: [0, 1, 2], into: &buffer) == images)
  }

  @Test func rowHelpersTouchOneImage() throws {
    let inputs = try AttackInputs(images: AttackInputsTests.images, bounds: 0...255, mask: nil)
    var target = Tensor(zeros: [3, 1, 2, 2])
    inputs.copyImage(1, from: inputs.original, to: &target)
    #expect(target.scalars == [0, 0, 0, 0, 4, 5, 6, 7, 0, 0, 0, 0])
    // Image 1 moved by (3, 4, 0, 0): L2 distance 5; the others stay at 0.
    var moved = inputs.original
    inputs.withRows(of: &moved, sample: 1) { image, original, mask in
      #expect(Array(original) == [4, 5, 6, 7])
      #expect(mask == nil)
      image[0] += 3
      image[1] += 4
    }
    #expect(inputs.l2Distance(of: moved, sample: 1) == 5)
    #expect(inputs.l2Distance(of: moved, sample: 0) == 0)
  }
}
