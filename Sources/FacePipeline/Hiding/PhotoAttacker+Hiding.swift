import Foundation

extension PhotoAttacker {
  /// A `.hide(from: kinds)` attack on the photo at `input` (see
  /// `attack(photoAt:goal:options:output:progress:)`).
  ///
  /// Finds the face (the first detector's largest, or `options.faceIndex`) and each detector's
  /// own box of it, builds one hiding model per detector on the photo (`DlibCNNHidingModel`,
  /// `MTCNNHidingModel`) with its margin (`options.margin`, else
  /// `FaceDetectorKind.defaultHidingMargin`), combines them (`CombinedHidingModel`) and attacks
  /// the region around the face (`FaceToHide.region`) through them, re-checked on the saved file
  /// (`RecheckedHidingAttack`).
  func hide(
    from kinds: [FaceDetectorKind], photoAt input: URL, options: PhotoAttackOptions, output: URL,
    progress: ((PhotoAttackProgress) -> Void)?
  ) throws(PipelineError) -> PhotoAttackOutcome {
    try PhotoAttackGoal.hide(from: kinds).checkDetectors()
    if let missing = kinds.first(where: { !detectors.detectors.contains($0) }) {
      throw .detectorNotLoaded(missing)
    }
    let attack = try options.validatedForHiding()
    try options.checkMTCNNStages(hidingFrom: kinds)
    let format = try OutputFormat.checked(
      output: output, input: input, jpegQuality: options.jpegQuality)
    try OutputDestination.check(output)
    let started = Date()
    let photo = try PhotoFile.read(input)
    if kinds.contains(.dlibCNN) { try detectors.checkScanSize(of: photo, name: input.path) }
    let face = try FaceToHide(
      in: photo, name: input.path, kinds: kinds, detectors: detectors,
      faceIndex: options.faceIndex)
    let region = face.region(
      width: photo.width, height: photo.height, jpegBlocks: options.jpegQuality != nil)
    try Self.checkAttackedRegion(region, image: input.path)
    let attackStarted = Date()
    let attempt = try RecheckedHidingAttack(
      detectors: detectors, photo: photo, face: face, region: region, options: options,
      output: output, format: format
    ).run(
      attack, parts: hidingParts(for: face, in: photo, options: options),
      progress: progress)
    let attackSeconds = Date().timeIntervalSince(attackStarted)
    let crop = { (image: RGBImage) in
      image.cropped(x: region.x, y: region.y, width: region.width, height: region.height)
    }
    let (originalRegion, savedRegion) = (crop(photo), crop(attempt.saved))
    return PhotoAttackOutcome(
      image: input, output: output, model: kinds.map(\.rawValue).joined(separator: "+"),
      goal: .hide(from: kinds), method: options.method, epsilon: attack.epsilon,
      norm: attack.norm, stepsUsed: attempt.stepsUsed,
      seconds: Date().timeIntervalSince(started), attackSeconds: attackSeconds, box: face.box,
      maskBox: region, success: attempt.stillFound.isEmpty,
      successAfterRounding: attempt.result.rounded.successes.first ?? false,
      before: .detections(face.ownFaces), after: .detections(attempt.stillFound),
      metrics: PerturbationMetrics(
        original: Tensor(image: originalRegion), image: Tensor(image: savedRegion)),
      originalRegion: originalRegion, adversarialRegion: savedRegion, notes: attempt.notes)
  }

  /// One hiding model per detector of `face.ownFaces` on `photo` (MTCNN's on
  /// `options.mtcnnStages`), each with `options.margin` (or its detector's default) in its own
  /// units.
  private func hidingParts(for face: FaceToHide, in photo: RGBImage, options: PhotoAttackOptions)
    -> [(model: any AttackableModel, margin: Float)]
  {
    let pixels = Tensor(image: photo)
    return face.ownFaces.map { own in
      let model: any AttackableModel
      switch own.detector {
      case .dlibCNN:
        guard let cnn = detectors.dlibCNN else {
          preconditionFailure("[PhotoAttacker] dlib-cnn listed but not loaded")
        }
        model = DlibCNNHidingModel(
          detector: cnn, photo: pixels, face: own.box, upsample: detectors.upsample,
          minimumOverlap: FaceToHide.minimumOverlap)
      case .mtcnn:
        model = MTCNNHidingModel(
          mtcnn: detectors.mtcnn, face: own.box, stages: options.mtcnnStages,
          minimumOverlap: FaceToHide.minimumOverlap)
      case .dlibHOG:
        preconditionFailure("[PhotoAttacker] dlib-hog has no gradient")
      }
      return (model, options.margin ?? own.detector.defaultHidingMargin ?? 0)
    }
  }
}
