/// The score each stage of the cascade requires, in `0...1` (the `mtcnn` package's
/// `steps_threshold`).
///
/// As in the package, P-Net keeps cells whose face probability is `>= pnet` and R-Net and O-Net
/// keep candidates whose probability is `> rnet` and `> onet`, comparing in float32 as NumPy does
/// (the probability is a float32, the threshold a Python float).
public struct StageThresholds: Sendable, Equatable {
  /// P-Net's: a pyramid cell is a candidate when its face probability is at least this.
  public var pnet: Double
  /// R-Net's: a candidate passes when its probability is above this.
  public var rnet: Double
  /// O-Net's: a candidate is a face when its probability is above this.
  public var onet: Double

  /// The thresholds given; the package's defaults are 0.6, 0.7, 0.7.
  public init(pnet: Double = 0.6, rnet: Double = 0.7, onet: Double = 0.7) {
    (self.pnet, self.rnet, self.onet) = (pnet, rnet, onet)
  }
}

/// The parameters of an `MTCNN` detector, with the `mtcnn` package's defaults.
public struct MTCNNOptions: Sendable, Equatable {
  /// The smallest face side, in pixels, the image pyramid is built for (`min_face_size`,
  /// default 20): the largest pyramid level scales the image by `12 / minFaceSize`, so values
  /// below 12 enlarge the image (and the memory and time P-Net needs grow with the square of
  /// that factor).
  public var minFaceSize: Int
  /// The ratio between successive pyramid levels (`scale_factor`, default 0.709), in
  /// `scaleFactorRange` (0.1...0.95): a ratio closer to 1 multiplies the levels P-Net scans
  /// (0.99 needs about 34 times as many as 0.709) for no better detection.
  public var scaleFactor: Double
  /// The stage thresholds (default 0.6, 0.7, 0.7).
  public var thresholds: StageThresholds

  /// Options with the values given (unchecked: see `validate()`); the defaults are the
  /// package's.
  public init(
    minFaceSize: Int = 20, scaleFactor: Double = 0.709,
    thresholds: StageThresholds = StageThresholds()
  ) {
    self.minFaceSize = minFaceSize
    self.scaleFactor = scaleFactor
    self.thresholds = thresholds
  }

  /// The smallest `minFaceSize` accepted: smaller faces would need the image enlarged more than
  /// three times.
  public static let smallestMinFaceSize = 4

  /// The accepted pyramid ratios.
  public static let scaleFactorRange: ClosedRange<Double> = 0.1...0.95

  /// Checks every option's range.
  /// - Throws: `MTCNNError.invalidOption` for the first option out of range: `minFaceSize` below
  ///   `smallestMinFaceSize`, `scaleFactor` outside `scaleFactorRange`, a threshold outside
  ///   `0...1` (NaN included).
  public func validate() throws(MTCNNError) {
    guard minFaceSize >= Self.smallestMinFaceSize else {
      throw .invalidOption(
        name: "minFaceSize", value: "\(minFaceSize)",
        rule: "at least \(Self.smallestMinFaceSize)")
    }
    guard Self.scaleFactorRange.contains(scaleFactor) else {
      throw .invalidOption(
        name: "scaleFactor", value: "\(scaleFactor)",
        rule: "in \(Self.scaleFactorRange.lowerBound)...\(Self.scaleFactorRange.upperBound)")
    }
    let named = [
      ("thresholds.pnet", thresholds.pnet), ("thresholds.rnet", thresholds.rnet),
      ("thresholds.onet", thresholds.onet),
    ]
    for (name, value) in named where !(value >= 0 && value <= 1) {
      throw .invalidOption(name: name, value: "\(value)", rule: "in 0...1")
    }
  }
}
