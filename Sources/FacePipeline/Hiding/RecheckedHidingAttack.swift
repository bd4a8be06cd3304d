import FaceNets
import Foundation

/// A hiding attack proven on its saved file: attack the region around the face through every
/// chosen detector, compose the full-size photo, write it, read it back and run the detectors
/// on it as `detect` does.
///
/// Success is judged on the saved file: no chosen detector finds a face overlapping its own box
/// of the original face (`FaceToHide.stillFound`). The attack judges itself on the detectors'
/// scores of the 8-bit region pasted into the photo, which can differ from the saved file's
/// (JPEG's decoder, dlib's 8-bit upsampling); when the attack succeeded but the saved file
/// fails, it runs again (same seed) with every detector's margin raised by its default margin,
/// at most `retries` times.
struct RecheckedHidingAttack {
  /// One finished attempt: the attack's result, the photo as saved and read back, the faces the
  /// detectors still find there, and the steps and notes of all attempts.
  struct Attempt {
    let result: AttackResult
    let saved: RGBImage
    let stillFound: [FoundFace]
    let stepsUsed: Int
    let notes: [String]
  }

  /// How many times an attack that succeeded on its own scores but failed the re-check is run
  /// again with larger margins.
  static var retries: Int { 2 }

  let detectors: PhotoDetector
  let photo: RGBImage
  let face: FaceToHide
  /// The part of the photo the attack may change.
  let region: PixelBox
  let options: PhotoAttackOptions
  let output: URL
  let format: OutputFormat

  /// Runs `attack` against `parts` (one hiding model per chosen detector, in `face.ownFaces`'
  /// order, with its margin) until the saved file hides the face, the attack itself fails,
  /// early stopping is off, or the retries are spent.
  /// - Throws: `PipelineError.cannotWrite`, `.unreadableImage` for the saved file,
  ///   `.invalidAttack`.
  func run(
    _ attack: ConfiguredAttack, parts: [(model: any AttackableModel, margin: Float)],
    progress: ((PhotoAttackProgress) -> Void)?
  ) throws(PipelineError) -> Attempt {
    var parts = parts
    var notes = attack.notes
    var stepsUsed = 0
    var retried = 0
    while true {
      let result = try runOnRegion(
        attack.attack, model: CombinedHidingModel(parts), progress: progress)
      stepsUsed += result.trace.first?.count ?? 0
      let saved = try save(result.adversarial)
      let stillFound = face.stillFound(in: saved, detectors: detectors)
      let attackSucceeded = result.rounded.successes.first ?? false
      guard !stillFound.isEmpty, attackSucceeded, options.settings.earlyStop,
        retried < Self.retries
      else {
        return Attempt(
          result: result, saved: saved, stillFound: stillFound, stepsUsed: stepsUsed,
          notes: notes + result.notes)
      }
      retried += 1
      for d in parts.indices {
        parts[d].margin += face.ownFaces[d].detector.defaultHidingMargin ?? 0
      }
      let margins = zip(face.ownFaces, parts).map { "\($0.detector.rawValue) \($1.margin)" }
      notes.append(
        "the re-check on the saved file failed (\(RecognitionVerdict.detections(stillFound).summary));"
          + " attacking again with margins \(margins.joined(separator: ", "))")
    }
  }

  /// Writes the photo with `region` replaced by `adversarialRegion` `[1, h, w, 3]` rounded to 8
  /// bits, and reads the file back.
  private func save(_ adversarialRegion: Tensor) throws(PipelineError) -> RGBImage {
    let pixels = RGBImage(tensor: PixelRounding.rounded(adversarialRegion, bounds: 0...255))
    try PhotoFile.write(photo.replacing(region, with: pixels), to: output, as: format)
    return try PhotoFile.read(output)
  }

  /// Runs the attack on `region` of the photo, pasted into the photo (through the JPEG round
  /// trip and EOT warps of the options) in front of `model`.
  private func runOnRegion(
    _ attack: any Attack, model: CombinedHidingModel, progress: ((PhotoAttackProgress) -> Void)?
  ) throws(PipelineError) -> AttackResult {
    let regionPixels = photo.cropped(
      x: region.x, y: region.y, width: region.width, height: region.height)
    let samples = options.expectationSamples
    let centre = SIMD2(
      Double(face.box.x - region.x) + Double(face.box.width - 1) / 2,
      Double(face.box.y - region.y) + Double(face.box.height - 1) / 2)
    let paste = PhotoPaste(background: background, region: region)
    let regionModel = PhotoRegionModel(
      network: model, jpegQuality: options.jpegQuality, cut: paste,
      jitter: samples > 1 ? (warps: PhotoJitter(), centre: centre) : nil,
      expectationSamples: samples,
      leastSuccessful: { candidates in
        candidates.max { ($0.scalars.max() ?? 0) < ($1.scalars.max() ?? 0) } ?? candidates[0]
      })
    do {
      return try attack.run(
        on: regionModel, images: Tensor(image: regionPixels), goal: model.goal, mask: nil,
        seed: options.seed,
        progress: progress.map { handler -> (AttackProgress) -> Void in
          { handler(self.progress($0)) }
        })
    } catch {
      throw .invalidAttack(error)
    }
  }

  /// The photo the region is pasted into, `[1, H, W, 3]`: the photo, or with a JPEG quality its
  /// JPEG round trip (what the saved file holds outside the region).
  private var background: Tensor {
    let pixels = Tensor(image: photo)
    return options.jpegQuality.map { CodecRoundTrip(quality: $0)(pixels) } ?? pixels
  }

  /// A progress report: the loss, and the faces the detectors find where the face was in the
  /// current iterate rounded to 8 bits and pasted into the photo.
  private func progress(_ progress: AttackProgress) -> PhotoAttackProgress {
    let current = RGBImage(tensor: PixelRounding.rounded(progress.adversarial, bounds: 0...255))
    return PhotoAttackProgress(
      step: progress.step, steps: progress.steps, run: progress.run, runs: progress.runs,
      loss: progress.meanLoss,
      current: .detections(
        face.stillFound(in: photo.replacing(region, with: current), detectors: detectors)))
  }
}
