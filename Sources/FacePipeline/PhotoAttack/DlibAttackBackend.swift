import Foundation

/// dlib's face descriptor in a photo attack: the aligned 150x150 chip (`DlibFaceChipLayer`),
/// 128-D descriptors, dodging or impersonation by distance.
struct DlibAttackBackend: PhotoAttackBackend {
  /// Alignment and the descriptor network.
  let embedder: DlibFaceEmbedder

  var name: RecognizerName { .dlibResNet }

  func prepare(
    _ goal: PhotoAttackGoal, face: DetectedFace?, in photo: RGBImage, photoName: String,
    options: PhotoAttackOptions, detector: MTCNN
  ) throws(PipelineError) -> PreparedPhotoAttack<DlibDescriptorAttackModel> {
    let threshold = options.threshold ?? embedder.resNet.distanceThreshold
    let margin = options.margin ?? 0.1
    let side = embedder.resNet.chipSize
    let cut: PhotoFaceInput
    let source: [Float]
    if let face {
      cut = .chip(try embedder.aligner.align(face.region, in: photo).details)
      source = try embedder.embed([face.region], in: photo)[0].descriptor
    } else {
      let shrinks = photo.width >= side && photo.height >= side
      cut = .wholeImage(side: side, method: shrinks ? .area : .bilinear)
      source = embedder.descriptor(ofChip: photo)
    }
    let network = DlibDescriptorAttackModel(resNet: embedder.resNet)
    switch goal {
    case .dodge:
      return PreparedPhotoAttack(
        cut: cut, network: network,
        goal: .dodging(
          sources: Tensor(shape: [1, source.count], scalars: source), threshold: threshold,
          margin: margin),
        judge: .descriptor(source, threshold: Double(threshold), dodging: true),
        before: .distance(0, samePerson: true))
    case .impersonate(let other):
      let target = try largestFaceDescriptor(
        photoAt: other, detector: options.detectFaces ? detector : nil)
      let distance = DlibResNet.distance(source, target)
      return PreparedPhotoAttack(
        cut: cut, network: network,
        goal: .impersonation(
          targets: Tensor(shape: [1, target.count], scalars: target), threshold: threshold,
          margin: margin),
        judge: .descriptor(target, threshold: Double(threshold), dodging: false),
        before: .distance(distance, samePerson: distance <= Double(threshold)))
    case .untargeted, .targeted, .hide:
      throw .goalDoesNotFitModel(goal: goal, model: name)
    }
  }

  func verdict(on face: DetectedFace?, in photo: RGBImage, judge: RecognitionJudge)
    throws(PipelineError) -> RecognitionVerdict
  {
    let descriptor =
      try face.map { face throws(PipelineError) in
        try embedder.embed([face.region], in: photo)[0].descriptor
      } ?? embedder.descriptor(ofChip: photo)
    return judge.verdict(outputs: descriptor)
  }

  /// The descriptor of the largest face of the photo at `url` (the whole photo as a chip
  /// without a detector).
  private func largestFaceDescriptor(photoAt url: URL, detector: MTCNN?) throws(PipelineError)
    -> [Float]
  {
    let faces = try embedder.embedFaces(
      in: try PhotoFile.read(url), detector: detector.map(MTCNNFaceDetector.init))
    guard let largest = DlibFaceEmbedder.largestFace(of: faces) else {
      throw .noFace(image: url.path)
    }
    return faces[largest].descriptor
  }
}
