import Foundation

/// "Attack this photo" as one call: find the face, attack the recognizer (or hide the face from
/// the detectors) through the photo's own pixels, write the full-size adversarial photo, and
/// prove the result on the saved file.
///
/// ```swift
/// let attacker = try PhotoAttacker(
///   recognizer: try .loadDlib(directory: ModelDirectory()))
/// let outcome = try attacker.attack(
///   photoAt: URL(fileURLWithPath: "obama.jpg"), goal: .dodge, options: PhotoAttackOptions(),
///   output: URL(fileURLWithPath: "obama.adv.png"))
/// print(outcome.success, outcome.after, outcome.metrics.psnr)
/// ```
///
/// The pipeline: MTCNN finds the faces (the largest, or `faceIndex` in its order; none with
/// `detectFaces == false`, which takes the whole photo as the model's input). The model's input is
/// made from the photo by differentiable resampling: VGGFace crops the box and resizes it to
/// 224x224 (INTER_AREA, as `identify`); dlib cuts the aligned 150x150 chip
/// (`DlibFaceChipLayer`). The attack runs on the part of the photo that resampling reads
/// (`PhotoAttackOutcome.maskBox`), so the output is the input photo with only that part changed
/// (for PNG; JPEG re-encodes everything). Options add EOT (random warps of the resampling) and a
/// differentiable JPEG round trip. The output is written atomically (a temporary file, then a
/// rename), decoded again and recognised from scratch.
///
/// A `.hide(from:)` goal needs no recognizer (`init(detectors:)`): the chosen detectors' face
/// scores are pushed below their thresholds through the whole photo, changing only a region
/// around the face, until none of them finds the face in the saved file (see
/// `PhotoAttackGoal.hide(from:)`).
public struct PhotoAttacker: Sendable {
  /// The recognizer attacked; nil for an attacker that only hides faces.
  public let recognizer: PhotoRecognizer?
  /// The face detectors: MTCNN finds the face a recognizer's attack cuts (and the impersonation
  /// target's); a hide goal may name any of them but dlib-hog.
  public let detectors: PhotoDetector

  /// MTCNN, the face detector of the recognizers' attacks (also used by the re-check and for the
  /// impersonation target).
  public var detector: MTCNN { detectors.mtcnn }

  /// The most pixels an attack may change (`PhotoAttackOutcome.maskBox`'s area): 16 megapixels.
  ///
  /// The attack holds a few float copies of the region it changes (the iterate, the original,
  /// the gradient, the best result and the resampling's buffers), so its memory grows with that
  /// area; a face in a photo is far smaller, but `detectFaces == false` attacks the whole photo.
  public static let maximumAttackedPixels = 16_000_000

  /// An attacker for `recognizer`, detecting faces with `detector`.
  public init(recognizer: PhotoRecognizer, detector: MTCNN) {
    self.recognizer = recognizer
    detectors = PhotoDetector(mtcnn: detector)
  }

  /// An attacker for `recognizer` with MTCNN's bundled weights.
  /// - Throws: `PipelineError.unusableDetector` when the bundled weights are missing or damaged.
  public init(recognizer: PhotoRecognizer) throws(PipelineError) {
    do {
      self.init(recognizer: recognizer, detector: try MTCNN())
    } catch {
      throw .unusableDetector(error)
    }
  }

  /// An attacker without a recognizer, for `.hide(from:)` goals naming detectors of
  /// `detectors` (which also sets MTCNN's options and the dlib detectors' upsampling, as
  /// `detect` takes them).
  public init(detectors: PhotoDetector) {
    recognizer = nil
    self.detectors = detectors
  }

  /// Attacks the face in the photo at `input` and writes the adversarial photo to `output`.
  ///
  /// Nothing is written when an error is thrown before the attack runs (bad options, an
  /// unreadable photo, no face); an attack that runs but fails still writes its best attempt
  /// (`success` is false).
  /// - Parameters:
  ///   - input: a PNG or JPEG photo.
  ///   - goal: `.untargeted` / `.targeted(name:)` for a VGGFace classifier, `.dodge` /
  ///     `.impersonate(photo:)` for dlib, `.hide(from:)` for the detectors.
  ///   - options: the face, the attack and its settings, EOT and JPEG (checked by
  ///     `PhotoAttackOptions.validated(for:)`, or `validatedForHiding()` for a hide goal).
  ///   - output: a `.png` file, or `.jpg`/`.jpeg` when `options.jpegQuality` is set (saved at
  ///     that quality); never the input.
  ///   - progress: called after every step with the loss and the current verdict (which costs
  ///     one more forward pass per step, or for a hide goal a run of its detectors; pass nil to
  ///     skip it).
  /// - Throws: `PipelineError`: a goal that does not fit the recognizer (or needs one the
  ///   attacker lacks, or names a detector it has not loaded or that has no gradient), invalid
  ///   options, an output equal to the input, in a refused format or where no file can be
  ///   written (`OutputDestination.check`), an unreadable photo, no face (or, hiding, a detector
  ///   that does not see it), a face index out of range, a region to change over
  ///   `maximumAttackedPixels`, an unknown target name (with the closest names), a failed write.
  public func attack(
    photoAt input: URL, goal: PhotoAttackGoal, options: PhotoAttackOptions, output: URL,
    progress: ((PhotoAttackProgress) -> Void)? = nil
  ) throws(PipelineError) -> PhotoAttackOutcome {
    if case .hide(let kinds) = goal {
      return try hide(
        from: kinds, photoAt: input, options: options, output: output, progress: progress)
    }
    guard let recognizer else { throw .noRecognizer(goal: goal) }
    try goal.check(fits: recognizer.name)
    let attack = try options.validated(for: recognizer.name)
    let format = try OutputFormat.checked(
      output: output, input: input, jpegQuality: options.jpegQuality)
    try OutputDestination.check(output)
    return try run(
      recognizer.backend, model: recognizer.modelName, on: input, goal: goal, options: options,
      attack: attack, output: output, format: format, progress: progress)
  }

  /// The attack once the options are checked: read, detect, prepare, attack and re-check,
  /// measure.
  private func run<Backend: PhotoAttackBackend>(
    _ backend: Backend, model: String, on input: URL, goal: PhotoAttackGoal,
    options: PhotoAttackOptions, attack: ConfiguredAttack, output: URL, format: OutputFormat,
    progress: ((PhotoAttackProgress) -> Void)?
  ) throws(PipelineError) -> PhotoAttackOutcome {
    let started = Date()
    let photo = try PhotoFile.read(input)
    let face = try chooseFace(in: photo, name: input.path, options: options)
    let prepared = try backend.prepare(
      goal, face: face, in: photo, photoName: input.path, options: options, detector: detector)
    guard let readBox = prepared.cut.readBox(width: photo.width, height: photo.height) else {
      throw .noFace(image: input.path)
    }
    let region = PhotoAttacker.attackedRegion(readBox: readBox, photo: photo, options: options)
    try Self.checkAttackedRegion(region, image: input.path)
    let attackStarted = Date()
    let attempt = try RecheckedPhotoAttack(
      backend: backend, detector: detector, photo: photo, face: face, readBox: readBox,
      region: region, options: options, output: output, format: format
    ).run(attack, prepared: prepared, progress: progress)
    let attackSeconds = Date().timeIntervalSince(attackStarted)
    let crop = { (image: RGBImage) in
      image.cropped(x: region.x, y: region.y, width: region.width, height: region.height)
    }
    let (originalRegion, savedRegion) = (crop(photo), crop(attempt.saved))
    return PhotoAttackOutcome(
      image: input, output: output, model: model, goal: goal,
      method: options.method, epsilon: attack.epsilon, norm: attack.norm,
      stepsUsed: attempt.stepsUsed, seconds: Date().timeIntervalSince(started),
      attackSeconds: attackSeconds, box: face?.box, maskBox: region,
      success: prepared.judge.isSuccess(attempt.after),
      successAfterRounding: attempt.result.rounded.successes.first ?? false,
      before: prepared.before, after: attempt.after,
      metrics: PerturbationMetrics(
        original: Tensor(image: originalRegion), image: Tensor(image: savedRegion)),
      originalRegion: originalRegion, adversarialRegion: savedRegion, notes: attempt.notes)
  }

  /// The face attacked: the largest MTCNN face or `options.faceIndex`; nil without detection.
  func chooseFace(in photo: RGBImage, name: String, options: PhotoAttackOptions)
    throws(PipelineError) -> DetectedFace?
  {
    guard options.detectFaces else { return nil }
    let faces = detector.detect(in: photo).map(DetectedFace.init)
    guard let largest = DetectedFace.largest(of: faces) else { throw .noFace(image: name) }
    let index = options.faceIndex ?? largest
    guard index < faces.count else {
      throw .faceIndexOutOfRange(image: name, index: index, count: faces.count)
    }
    return faces[index]
  }

  /// Refuses a region over `maximumAttackedPixels`.
  /// - Throws: `PipelineError.attackedRegionTooLarge` naming `image`.
  static func checkAttackedRegion(_ region: PixelBox, image: String) throws(PipelineError) {
    guard region.width * region.height <= maximumAttackedPixels else {
      throw .attackedRegionTooLarge(
        image: image, width: region.width, height: region.height, limit: maximumAttackedPixels)
    }
  }

  /// The region attacked: the pixels the cut reads, grown by the EOT warps' reach, aligned to
  /// JPEG's 16-pixel MCUs when attacking for JPEG, clipped to the photo.
  static func attackedRegion(readBox: PixelBox, photo: RGBImage, options: PhotoAttackOptions)
    -> PixelBox
  {
    var (left, top) = (readBox.x, readBox.y)
    var (right, bottom) = (readBox.x + readBox.width, readBox.y + readBox.height)
    if options.expectationSamples > 1 {
      let radius =
        0.5
        * Double(readBox.width * readBox.width + readBox.height * readBox.height)
        .squareRoot()
      let margin = PhotoJitter().margin(radius: radius)
      (left, top, right, bottom) = (left - margin, top - margin, right + margin, bottom + margin)
    }
    return PixelBox.attackedRegion(
      left: left, top: top, right: right, bottom: bottom, jpegBlocks: options.jpegQuality != nil,
      width: photo.width, height: photo.height)
  }
}
