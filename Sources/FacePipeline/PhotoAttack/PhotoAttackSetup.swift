import Adversary
import FaceNets
import FaceTensor
import Foundation

/// One photo's attack, resolved for its recognizer: the cut, the network, the Adversary goal,
/// the verdict before the attack and the success test the re-check applies.
struct PhotoAttackSetup: Sendable {
  /// The network behind the cut.
  enum Network: Sendable {
    case classifier(VGGFaceAttackModel)
    case descriptor(DlibDescriptorAttackModel)
  }

  /// What a verdict is compared with.
  enum Reference: Sendable {
    /// The clean top-1 (untargeted) or the target class.
    case classes(labels: ClassLabels, clean: Int, target: Int?)
    /// The reference descriptor (the clean face's for dodging, the target's for impersonation).
    case descriptor([Float], threshold: Double, dodging: Bool)
  }

  let cut: PhotoFaceInput
  let network: Network
  let goal: AttackGoal
  let reference: Reference
  let before: RecognitionVerdict

  /// Whether `verdict` meets the goal.
  func isSuccess(_ verdict: RecognitionVerdict) -> Bool {
    switch (reference, verdict) {
    case (.classes(_, let clean, let target), .predictions(let predictions)):
      guard let top = predictions.first?.index else { return false }
      return target.map { top == $0 } ?? (top != clean)
    case (.descriptor(_, let threshold, let dodging), .distance(let distance, _)):
      return dodging ? distance > threshold : distance <= threshold
    default:
      return false
    }
  }

  /// How much a retry after a failed re-check raises the margin: 1 logit for a classifier, 0.1
  /// of distance for a descriptor.
  var marginRaise: Float {
    if case .classes = reference { return 1 }
    return 0.1
  }

  /// This setup with the goal's early-stop margin set to `margin`.
  func withMargin(_ margin: Float) -> PhotoAttackSetup {
    let raised: AttackGoal
    switch goal {
    case .untargeted(let labels, let loss, _):
      raised = .untargeted(labels: labels, loss: loss, margin: margin)
    case .targeted(let labels, let loss, _):
      raised = .targeted(labels: labels, loss: loss, margin: margin)
    case .dodging(let sources, let metric, let threshold, _):
      raised = .dodging(sources: sources, metric: metric, threshold: threshold, margin: margin)
    case .impersonation(let targets, let metric, let threshold, _):
      raised = .impersonation(
        targets: targets, metric: metric, threshold: threshold, margin: margin)
    }
    return PhotoAttackSetup(
      cut: cut, network: network, goal: raised, reference: reference, before: before)
  }

  /// How far one row of model outputs is into success (larger is further; the sign says which
  /// side of the success line): the logit margin over the strongest rival for classes (rival of
  /// the clean class when untargeted, of the target when targeted), the distance to the source
  /// descriptor for dodging, minus the distance to the target for impersonation.
  func successScore(_ outputs: [Float]) -> Double {
    switch reference {
    case .classes(_, let clean, let target):
      let anchor = target ?? clean
      let rival = outputs.indices.filter { $0 != anchor }.map { outputs[$0] }.max() ?? 0
      let score = Double(outputs[anchor] - rival)
      return target == nil ? -score : score
    case .descriptor(let reference, _, let dodging):
      let distance = DlibResNet.distance(outputs, reference)
      return dodging ? distance : -distance
    }
  }

  /// The least successful of several candidate outputs `[1, D]` (by `successScore`): an attack
  /// judged on it succeeds only when it succeeds for every candidate.
  func leastSuccessful(_ candidates: [Tensor]) -> Tensor {
    candidates.min { successScore($0.scalars) < successScore($1.scalars) } ?? candidates[0]
  }

  /// The verdict for one row of model outputs (logits or a descriptor).
  func verdict(outputs: [Float]) -> RecognitionVerdict {
    switch reference {
    case .classes(let labels, _, _):
      let top = outputs.max() ?? 0
      let exponentials = outputs.map { exp(Double($0 - top)) }
      let total = exponentials.reduce(0, +)
      let order = outputs.indices.sorted { (outputs[$0], $1) > (outputs[$1], $0) }
      return .predictions(
        order.prefix(5).map {
          ClassPrediction(
            index: $0, label: labels.displayName(at: $0),
            probability: Float(exponentials[$0] / total))
        })
    case .descriptor(let reference, let threshold, _):
      let distance = DlibResNet.distance(outputs, reference)
      return .distance(distance, samePerson: distance <= threshold)
    }
  }

  /// A progress report for the engine's `progress` with the model's outputs for its images.
  func progress(_ progress: AttackProgress, outputs: Tensor) -> PhotoAttackProgress {
    PhotoAttackProgress(
      step: progress.step, steps: progress.steps, run: progress.run, runs: progress.runs,
      loss: progress.meanLoss,
      current: verdict(outputs: Array(outputs.scalars.prefix(outputs.shape[1]))))
  }
}

extension PhotoAttacker {
  /// Resolves `goal` for the recognizer on `face` of `photo`: the cut, the clean verdict, the
  /// reference (target class, source or target descriptor) and the Adversary goal.
  func prepare(
    photo: RGBImage, name: String, face: DetectedFace?, goal: PhotoAttackGoal,
    options: PhotoAttackOptions
  ) throws(PhotoAttackError) -> PhotoAttackSetup {
    switch recognizer {
    case .vggFace(let classifier, let model):
      let side = VGGFaceArchitecture.inputSize
      let clean = classifier.identify(photo, boxes: face.map { [$0.box] }, top: 5)
      guard let predictions = clean.first?.predictions, let top = predictions.first else {
        throw .noFace(image: name)
      }
      let target: Int?
      switch goal {
      case .untargeted:
        target = nil
      case .targeted(let targetName):
        target = try PhotoAttackSetup.classIndex(of: targetName, in: classifier.labels)
      case .dodge, .impersonate:
        throw .goalDoesNotFitModel(goal: goal.optionName, model: "the classifier \(model.rawValue)")
      }
      let margin = options.margin ?? 0
      return PhotoAttackSetup(
        cut: face.map { .box($0.box, side: side) } ?? .wholeImage(side: side, method: .area),
        network: .classifier(VGGFaceAttackModel(model: classifier.model)),
        goal: target.map { AttackGoal.targeted(labels: [$0], margin: margin) }
          ?? AttackGoal.untargeted(labels: [top.index], margin: margin),
        reference: .classes(labels: classifier.labels, clean: top.index, target: target),
        before: .predictions(predictions))
    case .dlib(let embedder):
      let threshold = options.threshold ?? embedder.resNet.distanceThreshold
      let margin = options.margin ?? 0.1
      let side = embedder.resNet.chipSize
      let cut: PhotoFaceInput
      let source: [Float]
      if let face {
        let alignment: DlibAlignedFace
        do {
          alignment = try embedder.aligner.align(face.region, in: photo)
          source = try embedder.embed([face.region], in: photo)[0].descriptor
        } catch {
          throw .unusableModel(message: "\(name): \(error)")
        }
        cut = .chip(alignment.details)
      } else {
        let shrinks = photo.width >= side && photo.height >= side
        cut = .wholeImage(side: side, method: shrinks ? .area : .bilinear)
        source = embedder.descriptor(ofChip: photo)
      }
      let network = DlibDescriptorAttackModel(resNet: embedder.resNet)
      switch goal {
      case .dodge:
        return PhotoAttackSetup(
          cut: cut, network: .descriptor(network),
          goal: .dodging(
            sources: Tensor(shape: [1, source.count], scalars: source), threshold: threshold,
            margin: margin),
          reference: .descriptor(source, threshold: Double(threshold), dodging: true),
          before: .distance(0, samePerson: true))
      case .impersonate(let other):
        let target = try targetDescriptor(photoAt: other, embedder: embedder, options: options)
        let distance = DlibResNet.distance(source, target)
        return PhotoAttackSetup(
          cut: cut, network: .descriptor(network),
          goal: .impersonation(
            targets: Tensor(shape: [1, target.count], scalars: target), threshold: threshold,
            margin: margin),
          reference: .descriptor(target, threshold: Double(threshold), dodging: false),
          before: .distance(distance, samePerson: distance <= Double(threshold)))
      case .untargeted, .targeted:
        throw .goalDoesNotFitModel(
          goal: goal.optionName,
          model: "the face descriptor dlib-resnet (use --dodge or --impersonate)")
      }
    }
  }

  /// The descriptor of the largest face of the photo at `url` (the whole photo as a chip without
  /// detection).
  private func targetDescriptor(
    photoAt url: URL, embedder: DlibFaceEmbedder, options: PhotoAttackOptions
  ) throws(PhotoAttackError) -> [Float] {
    let photo = try PhotoAttacker.readImage(url)
    let faces: [EmbeddedFace]
    do {
      faces = try embedder.embedFaces(
        in: photo, detector: options.detectFaces ? MTCNNFaceDetector(mtcnn: detector) : nil)
    } catch {
      throw .unusableModel(message: "\(url.path): \(error)")
    }
    guard let largest = DlibFaceEmbedder.largestFace(of: faces) else {
      throw .noFace(image: url.path)
    }
    return faces[largest].descriptor
  }

  /// The whole pipeline again on the saved photo: detect, take the face that overlaps the
  /// attacked one most (intersection over union at least 0.3), cut, recognise.
  func recheck(
    _ saved: RGBImage, name: String, face: DetectedFace?, setup: PhotoAttackSetup,
    options: PhotoAttackOptions
  ) throws(PhotoAttackError) -> RecognitionVerdict {
    var found: DetectedFace?
    if let face {
      let faces = detector.detect(in: saved).map(DetectedFace.init)
      let best = faces.max {
        DetectedFace.overlap($0.box, face.box) < DetectedFace.overlap($1.box, face.box)
      }
      guard let best, DetectedFace.overlap(best.box, face.box) >= 0.3 else { return .noFace }
      found = best
    }
    switch recognizer {
    case .vggFace(let classifier, _):
      let identified = classifier.identify(saved, boxes: found.map { [$0.box] }, top: 5)
      guard let predictions = identified.first?.predictions else { return .noFace }
      return .predictions(predictions)
    case .dlib(let embedder):
      let descriptor: [Float]
      if let found {
        do {
          descriptor = try embedder.embed([found.region], in: saved)[0].descriptor
        } catch {
          throw .unusableModel(message: "\(name): \(error)")
        }
      } else {
        descriptor = embedder.descriptor(ofChip: saved)
      }
      return setup.verdict(outputs: descriptor)
    }
  }
}

extension PhotoAttackSetup {
  /// The class index of `name` in `labels`.
  /// - Throws: `PhotoAttackError.unknownTarget` with the closest names, or `.ambiguousTarget`.
  static func classIndex(of name: String, in labels: ClassLabels) throws(PhotoAttackError) -> Int {
    do {
      return try labels.index(matching: name)
    } catch {
      switch error {
      case .ambiguousName(_, let file, let matches):
        throw .ambiguousTarget(name: name, labels: file, matches: matches)
      default:
        throw .unknownTarget(
          name: name, labels: labels.source, suggestions: labels.suggestions(for: name))
      }
    }
  }
}
