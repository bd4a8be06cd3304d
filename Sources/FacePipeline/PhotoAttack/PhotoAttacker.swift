import Adversary
import FaceNets
import FaceTensor
import Foundation

/// "Attack this photo" as one call: find the face, attack the recognizer through the photo's own
/// pixels, write the full-size adversarial photo, and prove the result on the saved file.
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
public struct PhotoAttacker: Sendable {
  /// The recognizer attacked.
  public let recognizer: PhotoRecognizer
  /// The face detector (also used by the re-check and for the impersonation target).
  public let detector: MTCNN

  /// An attacker for `recognizer`, detecting faces with `detector`.
  public init(recognizer: PhotoRecognizer, detector: MTCNN) {
    self.recognizer = recognizer
    self.detector = detector
  }

  /// An attacker for `recognizer` with MTCNN's bundled weights.
  /// - Throws: `PhotoAttackError.unusableModel` when the bundled weights are missing or damaged.
  public init(recognizer: PhotoRecognizer) throws(PhotoAttackError) {
    do {
      self.init(recognizer: recognizer, detector: try MTCNN())
    } catch {
      throw .unusableModel(message: "\(error)")
    }
  }

  /// Attacks the face in the photo at `input` and writes the adversarial photo to `output`.
  ///
  /// Nothing is written when an error is thrown. An attack that runs but fails still writes its
  /// best attempt (`success` is false).
  /// - Parameters:
  ///   - input: a PNG or JPEG photo.
  ///   - goal: `.untargeted` / `.targeted(name:)` for a VGGFace classifier, `.dodge` /
  ///     `.impersonate(photo:)` for dlib.
  ///   - options: the face, the attack and its settings, EOT and JPEG.
  ///   - output: a `.png` file, or `.jpg`/`.jpeg` when `options.jpegQuality` is set (saved at
  ///     that quality); never the input.
  ///   - progress: called after every step with the loss and the current verdict (which costs
  ///     one more forward pass per step; pass nil to skip it).
  /// - Throws: `PhotoAttackError`: an unreadable photo, no face, a face index out of range, an
  ///   unknown target name (with the closest names), a goal that does not fit the model, an
  ///   output equal to the input or in a refused format, bad attack settings, a failed write.
  public func attack(
    photoAt input: URL, goal: PhotoAttackGoal, options: PhotoAttackOptions, output: URL,
    progress: ((PhotoAttackProgress) -> Void)? = nil
  ) throws(PhotoAttackError) -> PhotoAttackOutcome {
    let started = Date()
    let format = try PhotoAttacker.checkOutput(output, input: input, options: options)
    let photo = try PhotoAttacker.readImage(input)
    let face = try chooseFace(in: photo, name: input.path, options: options)
    let setup = try prepare(
      photo: photo, name: input.path, face: face, goal: goal, options: options)
    guard let readBox = setup.cut.readBox(width: photo.width, height: photo.height) else {
      throw .noFace(image: input.path)
    }
    let region = PhotoAttacker.attackedRegion(
      readBox: readBox, photo: photo, options: options)
    let configured: ConfiguredAttack
    do {
      configured = try options.method.makeAttack(with: options.settings)
    } catch {
      throw .invalidSettings(message: "\(error)")
    }

    // The re-check detects and aligns the face again on the saved file, a few pixels away from
    // the cut the attack optimised through; when that undoes an attack that succeeded on its own
    // cut, the attack runs again (same seed) with the margin raised, at most `recheckRetries`
    // times.
    let attackStarted = Date()
    var attemptSetup = setup
    var notes = configured.notes
    var stepsUsed = 0
    var result: AttackResult
    var saved: RGBImage
    var after: RecognitionVerdict
    var retries = 0
    while true {
      result = try runAttack(
        configured.attack, setup: attemptSetup, photo: photo, readBox: readBox, region: region,
        options: options, progress: progress)
      stepsUsed += result.trace.first?.count ?? 0
      let adversarialRegion = RGBImage(
        tensor: PixelRounding.rounded(result.adversarial, bounds: 0...255))
      let adversarialPhoto = PhotoAttacker.compose(adversarialRegion, into: photo, at: region)
      do {
        switch format {
        case .png: try adversarialPhoto.writePNG(to: output)
        case .jpeg(let quality): try adversarialPhoto.writeJPEG(to: output, quality: quality)
        }
      } catch {
        throw .cannotWrite(path: output.path, reason: "\(error)")
      }
      saved = try PhotoAttacker.readImage(output)
      after = try recheck(saved, name: output.path, face: face, setup: setup, options: options)
      let attackSucceeded = result.rounded.successes.first ?? false
      guard !setup.isSuccess(after), attackSucceeded, options.settings.earlyStop,
        retries < PhotoAttacker.recheckRetries
      else { break }
      retries += 1
      let margin = attemptSetup.goal.margin + attemptSetup.marginRaise
      notes.append(
        "the re-check on the saved file failed (\(after.summary)); attacking again with margin"
          + " \(margin)")
      attemptSetup = attemptSetup.withMargin(margin)
    }
    let attackSeconds = Date().timeIntervalSince(attackStarted)

    let savedRegion = saved.cropped(
      x: region.x, y: region.y, width: region.width, height: region.height)
    let originalRegion = photo.cropped(
      x: region.x, y: region.y, width: region.width, height: region.height)
    let defaultEpsilon: Float? =
      options.method == .cw
      ? nil
      : (options.settings.norm ?? .lInfinity) == .lInfinity ? AttackDefaults.lInfinityEpsilon : nil
    return PhotoAttackOutcome(
      image: input, output: output, model: recognizer.modelName, goal: goal,
      method: options.method, epsilon: options.settings.epsilon ?? defaultEpsilon,
      norm: options.settings.norm ?? (options.method == .cw ? .l2 : .lInfinity),
      stepsUsed: stepsUsed,
      seconds: Date().timeIntervalSince(started), attackSeconds: attackSeconds,
      box: face?.box, maskBox: region, success: setup.isSuccess(after),
      successAfterRounding: result.rounded.successes.first ?? false,
      before: setup.before, after: after,
      metrics: PerturbationMetrics(
        original: Tensor(image: originalRegion), image: Tensor(image: savedRegion)),
      originalRegion: originalRegion, adversarialRegion: savedRegion,
      notes: notes + result.notes)
  }

  /// How many times an attack that succeeded on its own cut but failed the re-check on the
  /// saved file is run again with a larger margin.
  static let recheckRetries = 2

  // MARK: - Steps

  /// The output's format, after checking it is not the input.
  static func checkOutput(_ output: URL, input: URL, options: PhotoAttackOptions)
    throws(PhotoAttackError) -> OutputFormat
  {
    if let quality = options.jpegQuality, !(1...100).contains(quality) {
      throw .invalidSettings(message: "the JPEG quality must be in 1...100, got \(quality)")
    }
    guard options.eotSamples >= 0 else {
      throw .invalidSettings(
        message: "the EOT sample count must be 0 (off) or more, got \(options.eotSamples)")
    }
    if let index = options.faceIndex, index < 0 {
      throw .invalidSettings(message: "the face index must be 0 or more, got \(index)")
    }
    let canonical = { (url: URL) in url.standardizedFileURL.resolvingSymlinksInPath().path }
    guard canonical(output) != canonical(input) else { throw .outputIsInput(path: output.path) }
    do {
      return try OutputFormat(path: output, jpegQuality: options.jpegQuality)
    } catch let error as BatchError {
      switch error {
      case .lossyOutput(let path, let reason): throw .unsupportedOutput(path: path, reason: reason)
      default:
        throw .unsupportedOutput(
          path: output.path,
          reason: "the output must end in .png (or .jpg/.jpeg with a JPEG quality)")
      }
    } catch {
      throw .unsupportedOutput(path: output.path, reason: "\(error)")
    }
  }

  /// The photo at `url`, decoded.
  static func readImage(_ url: URL) throws(PhotoAttackError) -> RGBImage {
    do {
      return try RGBImage(contentsOf: url)
    } catch {
      throw .unreadableImage(file: url.path, reason: "\(error)")
    }
  }

  /// The face attacked: the largest MTCNN face or `options.faceIndex`; nil without detection.
  func chooseFace(in photo: RGBImage, name: String, options: PhotoAttackOptions)
    throws(PhotoAttackError) -> DetectedFace?
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
    if options.jpegQuality != nil {
      // libjpeg's 4:2:0 MCUs are 16x16 from the photo's origin: the region's blocks must be the
      // file's blocks.
      left = max(left, 0) / 16 * 16
      top = max(top, 0) / 16 * 16
      right = (right + 15) / 16 * 16
      bottom = (bottom + 15) / 16 * 16
    }
    (left, top) = (max(left, 0), max(top, 0))
    (right, bottom) = (min(right, photo.width), min(bottom, photo.height))
    return PixelBox(x: left, y: top, width: right - left, height: bottom - top)
  }

  /// Runs the attack on `region` of the photo.
  private func runAttack(
    _ attack: any Attack, setup: PhotoAttackSetup, photo: RGBImage, readBox: PixelBox,
    region: PixelBox, options: PhotoAttackOptions,
    progress: ((PhotoAttackProgress) -> Void)?
  ) throws(PhotoAttackError) -> AttackResult {
    let images = Tensor(
      image: photo.cropped(x: region.x, y: region.y, width: region.width, height: region.height))
    let cut = setup.cut.layer(on: region, width: photo.width, height: photo.height)
    let centre = SIMD2(
      Double(readBox.x - region.x) + Double(readBox.width - 1) / 2,
      Double(readBox.y - region.y) + Double(readBox.height - 1) / 2)
    let samples = options.expectationSamples
    let jitter = samples > 1 ? (warps: PhotoJitter(), centre: centre) : nil
    /// The attack on `network` seen through the region's cut.
    func run<Network: AttackableModel>(_ network: Network) throws -> AttackResult {
      let model = PhotoRegionModel(
        network: network, jpegQuality: options.jpegQuality, cut: cut, jitter: jitter,
        expectationSamples: samples, leastSuccessful: setup.leastSuccessful)
      return try attack.run(
        on: model, images: images, goal: setup.goal, mask: nil, seed: options.seed,
        progress: progress.map { handler -> (AttackProgress) -> Void in
          { handler(setup.progress($0, outputs: model.outputs(for: $0.adversarial))) }
        })
    }
    do {
      switch setup.network {
      case .classifier(let network): return try run(network)
      case .descriptor(let network): return try run(network)
      }
    } catch {
      throw .invalidSettings(message: "\(error)")
    }
  }

  /// `photo` with `region` replaced by `image`.
  static func compose(_ image: RGBImage, into photo: RGBImage, at region: PixelBox) -> RGBImage {
    var pixels = photo.pixels
    let rowBytes = region.width * 3
    for row in 0..<region.height {
      let target = ((region.y + row) * photo.width + region.x) * 3
      let source = row * rowBytes
      pixels.replaceSubrange(
        target..<(target + rowBytes), with: image.pixels[source..<(source + rowBytes)])
    }
    return RGBImage(width: photo.width, height: photo.height, pixels: pixels)
  }
}

/// A face MTCNN found: its exact region (for dlib's alignment) and its reported box (for
/// VGGFace's crop and for output).
struct DetectedFace: Sendable {
  let region: FaceRegion
  let box: PixelBox

  init(_ detection: FaceDetection) {
    region = FaceRegion(detection)
    box = detection.reportedBox
  }

  /// The index of the face with the largest box (the first of equal ones); nil when none.
  static func largest(of faces: [DetectedFace]) -> Int? {
    faces.indices.max { a, b in
      (faces[a].region.area, b) < (faces[b].region.area, a)
    }
  }

  /// Intersection over union of two boxes.
  static func overlap(_ a: PixelBox, _ b: PixelBox) -> Double {
    let width = min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
    let height = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
    guard width > 0, height > 0 else { return 0 }
    let intersection = Double(width * height)
    return intersection / (Double(a.width * a.height + b.width * b.height) - intersection)
  }
}
