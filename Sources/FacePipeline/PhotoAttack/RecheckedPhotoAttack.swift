import Foundation

/// A photo attack proven on its saved file: run the attack on the photo's region, compose the
/// full-size photo, write it, read it back, find the face again and recognise it from scratch.
///
/// The re-check detects and aligns the face on the saved file, a few pixels away from the cut
/// the attack optimised through. When that undoes an attack that succeeded on its own cut, the
/// attack runs again (same seed) with the goal's margin raised by `judge.marginRaise`, at most
/// `retries` times.
struct RecheckedPhotoAttack<Backend: PhotoAttackBackend> {
  /// One finished attempt: the attack's result, the photo as saved and read back, the verdict
  /// on it, and the steps and notes of all attempts.
  struct Attempt {
    let result: AttackResult
    let saved: RGBImage
    let after: RecognitionVerdict
    let stepsUsed: Int
    let notes: [String]
  }

  /// How many times an attack that succeeded on its own cut but failed the re-check is run
  /// again with a larger margin.
  static var retries: Int { 2 }

  let backend: Backend
  let detector: MTCNN
  let photo: RGBImage
  /// The face attacked (nil: the whole photo).
  let face: DetectedFace?
  /// The pixels the cut reads.
  let readBox: PixelBox
  /// The part of the photo the attack may change (`readBox` grown for EOT and JPEG blocks).
  let region: PixelBox
  let options: PhotoAttackOptions
  let output: URL
  let format: OutputFormat

  /// Runs `attack` on `prepared` until the saved file meets the goal, the attack itself fails,
  /// early stopping is off, or the retries are spent.
  /// - Throws: `PipelineError.cannotWrite`, `.unreadableImage` for the saved file, and the
  ///   backend's errors.
  func run(
    _ attack: ConfiguredAttack, prepared: PreparedPhotoAttack<Backend.Network>,
    progress: ((PhotoAttackProgress) -> Void)?
  ) throws(PipelineError) -> Attempt {
    var current = prepared
    var notes = attack.notes
    var stepsUsed = 0
    var retried = 0
    while true {
      let result = try runOnRegion(attack.attack, prepared: current, progress: progress)
      stepsUsed += result.trace.first?.count ?? 0
      let adversarialRegion = RGBImage(
        tensor: PixelRounding.rounded(result.adversarial, bounds: 0...255))
      try PhotoFile.write(photo.replacing(region, with: adversarialRegion), to: output, as: format)
      let saved = try PhotoFile.read(output)
      let after = try recheck(saved, judge: prepared.judge)
      let attackSucceeded = result.rounded.successes.first ?? false
      guard !prepared.judge.isSuccess(after), attackSucceeded, options.settings.earlyStop,
        retried < Self.retries
      else {
        return Attempt(
          result: result, saved: saved, after: after, stepsUsed: stepsUsed,
          notes: notes + result.notes)
      }
      retried += 1
      let margin = current.goal.margin + prepared.judge.marginRaise
      notes.append(
        "the re-check on the saved file failed (\(after.summary)); attacking again with margin"
          + " \(margin)")
      current = current.withMargin(margin)
    }
  }

  /// Runs the attack on `region` of the photo, through the cut (and EOT warps and JPEG).
  private func runOnRegion(
    _ attack: any Attack, prepared: PreparedPhotoAttack<Backend.Network>,
    progress: ((PhotoAttackProgress) -> Void)?
  ) throws(PipelineError) -> AttackResult {
    let images = Tensor(
      image: photo.cropped(x: region.x, y: region.y, width: region.width, height: region.height))
    let centre = SIMD2(
      Double(readBox.x - region.x) + Double(readBox.width - 1) / 2,
      Double(readBox.y - region.y) + Double(readBox.height - 1) / 2)
    let samples = options.expectationSamples
    let judge = prepared.judge
    let model = PhotoRegionModel(
      network: prepared.network, jpegQuality: options.jpegQuality,
      cut: prepared.cut.layer(on: region, width: photo.width, height: photo.height),
      jitter: samples > 1 ? (warps: PhotoJitter(), centre: centre) : nil,
      expectationSamples: samples, leastSuccessful: { judge.leastSuccessful($0) })
    do {
      return try attack.run(
        on: model, images: images, goal: prepared.goal, mask: nil, seed: options.seed,
        progress: progress.map { handler -> (AttackProgress) -> Void in
          { handler(judge.progress($0, outputs: model.outputs(for: $0.adversarial))) }
        })
    } catch {
      throw .invalidAttack(error)
    }
  }

  /// The whole pipeline again on the saved photo: detect, take the face that overlaps the
  /// attacked one most (intersection over union at least 0.3), cut, recognise.
  private func recheck(_ saved: RGBImage, judge: RecognitionJudge) throws(PipelineError)
    -> RecognitionVerdict
  {
    guard let face else { return try backend.verdict(on: nil, in: saved, judge: judge) }
    let overlap = { (candidate: DetectedFace) in
      candidate.box.intersectionOverUnion(with: face.box)
    }
    let best = detector.detect(in: saved).map(DetectedFace.init).max {
      overlap($0) < overlap($1)
    }
    guard let best, overlap(best) >= 0.3 else { return .noFace }
    return try backend.verdict(on: best, in: saved, judge: judge)
  }
}

extension RGBImage {
  /// This image with `region` replaced by `image` (of the region's size).
  func replacing(_ region: PixelBox, with image: RGBImage) -> RGBImage {
    var pixels = self.pixels
    let rowBytes = region.width * 3
    for row in 0..<region.height {
      let target = ((region.y + row) * width + region.x) * 3
      let source = row * rowBytes
      pixels.replaceSubrange(
        target..<(target + rowBytes), with: image.pixels[source..<(source + rowBytes)])
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }
}
