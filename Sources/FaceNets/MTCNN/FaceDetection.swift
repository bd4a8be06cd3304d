import FaceTensor

/// A point in pixel units of the upright image: `x` to the right (column), `y` down (row).
public struct FacePoint: Sendable, Equatable {
  /// Pixels from the left edge.
  public var x: Double
  /// Pixels from the top edge.
  public var y: Double

  /// The point at column `x`, row `y`.
  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }

  /// The point as the `mtcnn` package reports it: each coordinate truncated toward zero
  /// (Python's `int()`), so `-0.7` becomes `0`; NaN reports 0 and values beyond are
  /// clamped to ±2^60 (`Int(saturating:)`), never a trap.
  public var reported: PixelPoint {
    PixelPoint(
      x: Int(saturating: x.rounded(.towardZero)), y: Int(saturating: y.rounded(.towardZero)))
  }
}

/// An integer pixel position, as the `mtcnn` package reports landmarks.
public struct PixelPoint: Sendable, Equatable {
  /// The column.
  public var x: Int
  /// The row.
  public var y: Int

  /// The pixel at column `x`, row `y`.
  public init(x: Int, y: Int) {
    self.x = x
    self.y = y
  }
}

/// The five facial landmarks O-Net predicts, in pixel units of the upright image.
///
/// "Left" and "right" are as the `mtcnn` package names them: `leftEye` is the eye with the
/// smaller x in a frontal face (the person's right eye).
public struct FaceLandmarks: Sendable, Equatable {
  /// The eye on the image's left.
  public var leftEye: FacePoint
  /// The eye on the image's right.
  public var rightEye: FacePoint
  /// The tip of the nose.
  public var nose: FacePoint
  /// The mouth corner on the image's left.
  public var mouthLeft: FacePoint
  /// The mouth corner on the image's right.
  public var mouthRight: FacePoint

  /// The five landmarks.
  public init(
    leftEye: FacePoint, rightEye: FacePoint, nose: FacePoint, mouthLeft: FacePoint,
    mouthRight: FacePoint
  ) {
    self.leftEye = leftEye
    self.rightEye = rightEye
    self.nose = nose
    self.mouthLeft = mouthLeft
    self.mouthRight = mouthRight
  }

  /// The package's names of the landmarks, in the order of `points`: `left_eye`, `right_eye`,
  /// `nose`, `mouth_left`, `mouth_right`.
  public static let names = ["left_eye", "right_eye", "nose", "mouth_left", "mouth_right"]

  /// The five points in the order of `names`.
  public var points: [FacePoint] { [leftEye, rightEye, nose, mouthLeft, mouthRight] }
}

/// One face found by `MTCNN`: its box, O-Net's confidence and five landmarks.
///
/// Coordinates are the exact values the `mtcnn` package computes (its float64 box corners and
/// its float32 landmarks) in pixel units of the upright image; `reportedBox` and
/// `reportedLandmarks` apply the package's integer conversions to them.
public struct FaceDetection: Sendable, Equatable {
  /// Left edge: the package's `x1`.
  public var x1: Double
  /// Top edge: the package's `y1`.
  public var y1: Double
  /// Right edge: the package's `x2` (its reported width is `x2 - x`).
  public var x2: Double
  /// Bottom edge: the package's `y2`.
  public var y2: Double
  /// O-Net's face probability, in `0...1`.
  public var confidence: Float
  /// The five landmarks.
  public var landmarks: FaceLandmarks

  /// A detection with the box corners, confidence and landmarks given.
  public init(
    x1: Double, y1: Double, x2: Double, y2: Double, confidence: Float, landmarks: FaceLandmarks
  ) {
    (self.x1, self.y1, self.x2, self.y2) = (x1, y1, x2, y2)
    self.confidence = confidence
    self.landmarks = landmarks
  }

  /// The box as the package reports it.
  ///
  /// `x = max(0, int(x1))`, `y = max(0, int(y1))`, `width = int(x2 - x)`,
  /// `height = int(y2 - y)` (`int` truncates toward zero). The detector never gives non-finite
  /// corners; for a detection built with some, the conversion saturates (`Int(saturating:)`)
  /// instead of trapping.
  public var reportedBox: PixelBox {
    let x = max(0, Int(saturating: x1.rounded(.towardZero)))
    let y = max(0, Int(saturating: y1.rounded(.towardZero)))
    return PixelBox(
      x: x, y: y, width: Int(saturating: (x2 - Double(x)).rounded(.towardZero)),
      height: Int(saturating: (y2 - Double(y)).rounded(.towardZero)))
  }

  /// The landmarks as the package reports them (truncated toward zero), in the order of
  /// `FaceLandmarks.names`.
  public var reportedLandmarks: [PixelPoint] { landmarks.points.map(\.reported) }
}
