import FaceTensor

/// The face a hide goal hides, as each chosen detector sees it in the original photo, and how a
/// photo is judged against it.
///
/// The face is the first detector's largest (or the one at `faceIndex` in its order). Each
/// detector's own box of it is that detector's face with the largest intersection over union
/// (IoU) with it, which must reach `minimumOverlap`. A photo hides the face from a detector when
/// the detector, run as `detect` runs it, finds no face overlapping its own box by
/// `minimumOverlap`.
struct FaceToHide: Sendable {
  /// The IoU from which a detection is the face: 0.3, as the recognizers' re-check uses.
  static let minimumOverlap = 0.3

  /// The face chosen, as the first detector reports it.
  let box: PixelBox
  /// Each chosen detector's own face, detectors in order (the first is `box`'s).
  let ownFaces: [FoundFace]

  /// The faces the detectors find in `photo` where the face was: for each chosen detector, its
  /// faces overlapping its own box by `minimumOverlap`, detectors in order, each one's best first.
  func stillFound(in photo: RGBImage, detectors: PhotoDetector) -> [FoundFace] {
    ownFaces.flatMap { own in
      detectors.faces(in: photo, by: own.detector).filter {
        $0.box.intersectionOverUnion(with: own.box) >= Self.minimumOverlap
      }
    }
  }

  /// The part of a `width x height` photo a hiding attack may change: the smallest box holding
  /// every detector's own box of the face, grown by half its width and height on each side,
  /// aligned outward to JPEG's 16-pixel blocks when `jpegBlocks`, clipped to the photo.
  ///
  /// A detector window that overlaps a box by an IoU of 0.3 is at most `√(1/0.3) ≈ 1.83` times
  /// its side; centred on the box it reaches 0.41 of a side past each edge, so growing by half a
  /// side covers every window that could report the face (dlib-cnn's 80x80 windows, MTCNN's
  /// 12x12 P-Net windows and its R-Net and O-Net crops, each at the scale where they match the
  /// face), and the networks' receptive fields a little beyond, while the rest of the photo
  /// stays untouched.
  func region(width: Int, height: Int, jpegBlocks: Bool) -> PixelBox {
    let left = ownFaces.map(\.box.x).min() ?? box.x
    let top = ownFaces.map(\.box.y).min() ?? box.y
    let right = ownFaces.map { $0.box.x + $0.box.width }.max() ?? box.x + box.width
    let bottom = ownFaces.map { $0.box.y + $0.box.height }.max() ?? box.y + box.height
    let (growX, growY) = ((right - left + 1) / 2, (bottom - top + 1) / 2)
    return PixelBox.attackedRegion(
      left: left - growX, top: top - growY, right: right + growX, bottom: bottom + growY,
      jpegBlocks: jpegBlocks, width: width, height: height)
  }
}

extension FaceToHide {
  /// Finds the face in `photo` with `detectors`, for the detectors `kinds`.
  /// - Parameters:
  ///   - name: the photo's path, for errors.
  ///   - faceIndex: the face in the first detector's order; nil: its largest box (the first of
  ///     equal ones).
  /// - Throws: `PipelineError.noFace` when the first detector finds none,
  ///   `.faceIndexOutOfRange`, `.faceNotSeen` when another detector has no face overlapping it.
  init(
    in photo: RGBImage, name: String, kinds: [FaceDetectorKind], detectors: PhotoDetector,
    faceIndex: Int?
  ) throws(PipelineError) {
    let faces = detectors.faces(in: photo, by: kinds[0])
    let area = { (face: FoundFace) in face.box.width * face.box.height }
    guard
      let largest = faces.indices.max(by: { a, b in (area(faces[a]), b) < (area(faces[b]), a) })
    else { throw .noFace(image: name) }
    let index = faceIndex ?? largest
    guard index < faces.count else {
      throw .faceIndexOutOfRange(image: name, index: index, count: faces.count)
    }
    let chosen = faces[index]
    var ownFaces = [chosen]
    for kind in kinds.dropFirst() {
      let overlap = { (face: FoundFace) in face.box.intersectionOverUnion(with: chosen.box) }
      guard let best = detectors.faces(in: photo, by: kind).max(by: { overlap($0) < overlap($1) }),
        overlap(best) >= Self.minimumOverlap
      else { throw .faceNotSeen(image: name, detector: kind, box: chosen.box) }
      ownFaces.append(best)
    }
    box = chosen.box
    self.ownFaces = ownFaces
  }
}
