import FaceTestSupport
import Foundation
import Testing

@testable import FacePipeline

/// What a hide goal accepts and refuses, with the messages, and the parts of a hiding attack
/// that need no detector model: the region, the paste into the photo, the combination.
@Suite struct HidingRuleTests {
  static let goalCases: [(PhotoAttackGoal, PipelineError, String)] = [
    (
      .hide(from: [.dlibHOG]), .detectorNotDifferentiable(.dlibHOG),
      "dlib-hog cannot be hidden from: its scores have no gradient here; hide from mtcnn or dlib-cnn"
    ),
    (
      .hide(from: []),
      .invalidOption(
        name: "detectors", value: "", rule: "a list of detectors, each at most once, at least one"),
      "detectors must be a list of detectors, each at most once, at least one, got "
    ),
    (
      .hide(from: [.dlibCNN, .dlibCNN]),
      .invalidOption(
        name: "detectors", value: "dlib-cnn,dlib-cnn",
        rule: "a list of detectors, each at most once, at least one"),
      "detectors must be a list of detectors, each at most once, at least one, got "
        + "dlib-cnn,dlib-cnn"
    ),
  ]

  @Test(arguments: goalCases.indices)
  func aHideGoalNamesDifferentiableDetectorsOnce(_ index: Int) {
    let (goal, error, message) = Self.goalCases[index]
    #expect(throws: error) { try goal.checkDetectors() }
    #expect(error.description == message)
  }

  @Test func optionsForHidingRefuseAThresholdAndNoDetection() throws {
    #expect(throws: PipelineError.optionDoesNotApplyToHiding(name: "threshold")) {
      try PhotoAttackOptions(threshold: 0.6).validatedForHiding()
    }
    #expect(
      PipelineError.optionDoesNotApplyToHiding(name: "threshold").description
        == "threshold does not apply to hiding a face: each detector's own threshold decides")
    let noDetection = PipelineError.conflictingOptions(
      name: "detectFaces", other: "hide", reason: "the detectors find the face to hide")
    #expect(throws: noDetection) { try PhotoAttackOptions(detectFaces: false).validatedForHiding() }
    #expect(
      throws: PipelineError.invalidOption(name: "jpegQuality", value: "0", rule: "in 1...100")
    ) {
      try PhotoAttackOptions(jpegQuality: 0).validatedForHiding()
    }
    let attack = try PhotoAttackOptions(margin: 0.2).validatedForHiding()
    #expect(attack.attack.method == .pgd && attack.epsilon == 8)
  }

  /// MTCNN's stages: at least one; other than the default only when hiding from MTCNN.
  @Test func mtcnnStagesApplyOnlyToHidingFromMTCNN() throws {
    let none = PipelineError.invalidOption(
      name: "mtcnnStages", value: "none", rule: "at least one of pnet, rnet, onet")
    #expect(throws: none) { try PhotoAttackOptions(mtcnnStages: []).validatedForHiding() }
    let all = PhotoAttackOptions(mtcnnStages: [.pnet, .rnet, .onet])
    _ = try all.validatedForHiding()
    try all.checkMTCNNStages(hidingFrom: [.dlibCNN, .mtcnn])
    let noMTCNN = PipelineError.conflictingOptions(
      name: "mtcnnStages", other: "detectors", reason: "MTCNN is not among the detectors")
    #expect(throws: noMTCNN) { try all.checkMTCNNStages(hidingFrom: [.dlibCNN]) }
    try PhotoAttackOptions().checkMTCNNStages(hidingFrom: [.dlibCNN])
    #expect(throws: PipelineError.optionDoesNotApply(name: "mtcnnStages", model: .dlibResNet)) {
      try all.validated(for: .dlibResNet)
    }
    #expect(none.description == "mtcnnStages must be at least one of pnet, rnet, onet, got none")
    #expect(
      noMTCNN.description
        == "mtcnnStages and detectors cannot be used together: MTCNN is not among the detectors")
    #expect(
      PipelineError.optionDoesNotApply(name: "mtcnnStages", model: .dlibResNet).description
        .hasPrefix("mtcnnStages does not apply to dlib-resnet, "))
  }

  /// An attacker made for hiding has no recognizer, and hides only from the detectors it
  /// loaded: both refused before the photo is read.
  @Test func anAttackerHidesOnlyFromItsDetectorsAndFoolsNoRecognizer() throws {
    let attacker = PhotoAttacker(detectors: try PhotoDetector())
    #expect(attacker.recognizer == nil)
    let missing = URL(fileURLWithPath: "/nonexistent/photo.png")
    let output = URL(fileURLWithPath: "/nonexistent/out.png")
    #expect(throws: PipelineError.noRecognizer(goal: .dodge)) {
      try attacker.attack(
        photoAt: missing, goal: .dodge, options: PhotoAttackOptions(), output: output)
    }
    #expect(throws: PipelineError.detectorNotLoaded(.dlibCNN)) {
      try attacker.attack(
        photoAt: missing, goal: .hide(from: [.dlibCNN]), options: PhotoAttackOptions(),
        output: output)
    }
    #expect(
      PipelineError.noRecognizer(goal: .dodge).description
        == "the goal dodge fools a recognizer, but this attacker has none (it was made to hide "
        + "faces from detectors)")
  }

  /// The boxes' union grown by half its size on each side, clipped to the photo; aligned to
  /// 16-pixel blocks for JPEG.
  @Test func theRegionIsTheFacesBoxesGrownByHalfOnEachSide() {
    let own = [
      FoundFace(
        detector: .dlibCNN, box: PixelBox(x: 100, y: 80, width: 60, height: 60), confidence: 1,
        landmarks: []),
      FoundFace(
        detector: .mtcnn, box: PixelBox(x: 96, y: 70, width: 62, height: 80), confidence: 1,
        landmarks: []),
    ]
    let face = FaceToHide(box: own[0].box, ownFaces: own)
    // Union: columns 96..<160, rows 70..<150 (64 x 80); grown by 32 and 40.
    #expect(
      face.region(width: 400, height: 300, jpegBlocks: false)
        == PixelBox(x: 64, y: 30, width: 128, height: 160))
    #expect(
      face.region(width: 400, height: 300, jpegBlocks: true)
        == PixelBox(x: 64, y: 16, width: 128, height: 176))
    #expect(
      face.region(width: 170, height: 170, jpegBlocks: false)
        == PixelBox(x: 64, y: 30, width: 106, height: 140))
  }

  @Test func pastingPutsTheRegionIntoThePhotoAndTheGradientBackOut() {
    var generator = SplitMix64(seed: 3)
    let photo = generator.uniformTensor([1, 5, 6, 3], in: 0...255)
    let region = PixelBox(x: 2, y: 1, width: 3, height: 2)
    let patch = generator.uniformTensor([2, 2, 3, 3], in: 0...255)
    let paste = PhotoPaste(background: photo, region: region)
    let (pasted, pullback) = paste.valueWithPullback(at: patch, scope: .input)
    #expect(pasted.shape == [2, 5, 6, 3])
    for b in 0..<2 {
      for y in 0..<5 {
        for x in 0..<6 {
          for c in 0..<3 {
            let inside = (1..<3).contains(y) && (2..<5).contains(x)
            let expected = inside ? patch[b, y - 1, x - 2, c] : photo[0, y, x, c]
            #expect(pasted[b, y, x, c] == expected)
          }
        }
      }
    }
    let dy = generator.uniformTensor([2, 5, 6, 3], in: -1...1)
    #expect(
      pullback(dy).input.scalars
        == Crop(top: 1, left: 2, height: 2, width: 3)(dy).scalars)
  }

  /// Each part's margins divided by its margin, side by side; the pullback scales each part's
  /// columns alike and sums the parts' image gradients.
  @Test func aCombinationScalesEachPartByItsMargin() {
    let first = ClosureAttackModel(
      outputs: { Tensor(shape: [$0.shape[0], 2], scalars: [0.2, -0.1]) },
      vectorJacobianProduct: { images, dOutputs in
        Tensor(repeating: dOutputs.scalars[0] + 10 * dOutputs.scalars[1], shape: images.shape)
      })
    let second = ClosureAttackModel(
      outputs: { Tensor(shape: [$0.shape[0], 1], scalars: [1.5]) },
      vectorJacobianProduct: { images, dOutputs in
        Tensor(repeating: 100 * dOutputs.scalars[0], shape: images.shape)
      })
    let both = CombinedHidingModel([(first, margin: 0.1), (second, margin: 0.5)])
    #expect(both.goal == .hiding(margin: 1))
    let image = Tensor(repeating: 9, shape: [1, 1, 1, 3])
    let (outputs, pullback) = both.outputsWithPullback(for: image)
    let expected: [Float] = [2, -1, 3]
    #expect(zip(outputs.scalars, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(outputs)")
    #expect(both.outputs(for: image).scalars == outputs.scalars)
    // d = [1, 1, 1]: first gets [10, 10] → 10 + 100; second gets [2] → 200.
    let dImage = pullback(Tensor(repeating: 1, shape: [1, 3]))
    #expect(dImage.scalars.allSatisfy { abs($0 - 310) < 1e-3 }, "\(dImage)")
    let unscaled = CombinedHidingModel([(first, margin: 0), (second, margin: 0)])
    #expect(unscaled.goal == .hiding(margin: 0))
    #expect(unscaled.outputs(for: image).scalars == [0.2, -0.1, 1.5])
  }
}
