import FaceTensor

extension DlibShapePredictor {
  /// Predicts the landmarks of the face in `face`, exactly as dlib's
  /// `shape_predictor::operator()` on an RGB image followed by its conversion to integer points.
  ///
  /// The arithmetic, step by step (dlib/image_processing/shape_predictor.h):
  /// 1. The shape starts as the mean shape (`Float`, unit square of `face`).
  /// 2. For each cascade: fit the similarity transform from the mean shape to the current shape
  ///    (in `Double`, see `DlibAffineTransform.similarity`) and keep its 2x2 part rounded to
  ///    `Float` (`T`). Feature pixel `i` is at `T * delta[i] + shape[anchor[i]]`, computed in
  ///    `Float` as `(T00*dx + T01*dy) + sx`; it is mapped to the photo with
  ///    `x = (right - left) * u + left`, `y = (bottom - top) * v + top` in `Double` (the box's
  ///    corners map to (0,0) and (1,1)) and rounded with `floor(x + 0.5)`. Its value is the
  ///    pixel's intensity `(R + G + B) / 3` in integer arithmetic (dlib's `get_pixel_intensity`
  ///    of an `rgb_pixel`, a truncating average), or 0 when the rounded position is outside the
  ///    photo. There is no interpolation.
  /// 3. Each tree of the cascade goes left while `feature[idx1] - feature[idx2] > threshold`
  ///    (in `Float`) and adds its leaf to the shape (`Float` additions, trees in file order).
  /// 4. Each final point is mapped to the photo as in step 2 and rounded with `floor(v + 0.5)`,
  ///    dlib's conversion of a `double` vector to a `point` (`full_object_detection` stores
  ///    integer points).
  ///
  /// NOTE: dlib builds the box mapping with a least-squares solve (`find_affine_transform`);
  /// this uses the exact formula, which can differ from it only when a coordinate lies within
  /// about 1e-13 of a half pixel.
  /// - Parameters:
  ///   - image: the photo, 8-bit RGB.
  ///   - face: the face box (inclusive corners), e.g. from dlib's HOG detector; it may extend
  ///     beyond the photo.
  /// - Returns: `partCount` points in photo pixels (column x, row y).
  /// - Precondition: the box's coordinates are within +-2^31.
  public func landmarks(in image: RGBImage, face: DlibRectangle) -> [DlibPoint] {
    let limit = 1 << 31
    precondition(
      [face.left, face.top, face.right, face.bottom].allSatisfy { -limit < $0 && $0 < limit },
      "[landmarks] face box \(face) has coordinates beyond +-2^31")
    let toImage = BoxMapping(face)
    var shape = initialShape
    var features: [Float] = []
    for cascade in cascades {
      extractFeatures(of: cascade, shape: shape, image: image, toImage: toImage, into: &features)
      for tree in cascade.trees {
        tree.addLeaf(for: features, to: &shape)
      }
    }
    return (0..<partCount).map { part in
      let (x, y) = toImage.apply(u: shape[2 * part], v: shape[2 * part + 1])
      return DlibPoint(x: dlibRoundToPixel(x), y: dlibRoundToPixel(y))
    }
  }

  /// Fills `features` with the intensities the cascade's trees compare (step 2 above).
  private func extractFeatures(
    of cascade: Cascade, shape: [Float], image: RGBImage, toImage: BoxMapping,
    into features: inout [Float]
  ) {
    let similarity = similarityToMeanShape(shape)
    let t00 = Float(similarity.m00), t01 = Float(similarity.m01)
    let t10 = Float(similarity.m10), t11 = Float(similarity.m11)
    features.removeAll(keepingCapacity: true)
    image.pixels.withUnsafeBufferPointer { pixels in
      for (anchor, delta) in zip(cascade.anchorIndices, cascade.deltas) {
        let u = t00 * delta.x + t01 * delta.y + shape[2 * anchor]
        let v = t10 * delta.x + t11 * delta.y + shape[2 * anchor + 1]
        let (x, y) = toImage.apply(u: u, v: v)
        let column = dlibRoundToPixel(x)
        let row = dlibRoundToPixel(y)
        guard column >= 0, column < image.width, row >= 0, row < image.height else {
          features.append(0)
          continue
        }
        let i = (row * image.width + column) * 3
        let sum = Int(pixels[i]) + Int(pixels[i + 1]) + Int(pixels[i + 2])
        features.append(Float(sum / 3))
      }
    }
  }

  /// The similarity transform from the mean shape to `shape` (identity for a one-point model,
  /// as dlib's `find_tform_between_shapes`).
  private func similarityToMeanShape(_ shape: [Float]) -> DlibAffineTransform {
    guard partCount > 1 else {
      return DlibAffineTransform(m00: 1, m01: 0, b0: 0, m10: 0, m11: 1, b1: 0)
    }
    func points(_ values: [Float]) -> [SIMD2<Double>] {
      (0..<partCount).map { SIMD2(Double(values[2 * $0]), Double(values[2 * $0 + 1])) }
    }
    return DlibAffineTransform.similarity(from: points(initialShape), to: points(shape))
  }
}

extension DlibShapePredictor.RegressionTree {
  /// Walks the tree for `features` and adds the reached leaf's values to `shape`.
  @inline(__always)
  fileprivate func addLeaf(for features: [Float], to shape: inout [Float]) {
    var node = 0
    while node < splits.count {
      let split = splits[node]
      node =
        features[split.index1] - features[split.index2] > split.threshold
        ? 2 * node + 1 : 2 * node + 2
    }
    let base = (node - splits.count) * shape.count
    for k in shape.indices {
      shape[k] += leafValues[base + k]
    }
  }
}

/// dlib's `unnormalizing_tform(rect)`: the unit square onto a face box, (0, 0) to the top-left
/// corner and (1, 1) to the bottom-right one, evaluated as `m * p + b` in `Double`.
private struct BoxMapping {
  let width: Double
  let height: Double
  let left: Double
  let top: Double

  init(_ box: DlibRectangle) {
    width = Double(box.right - box.left)
    height = Double(box.bottom - box.top)
    left = Double(box.left)
    top = Double(box.top)
  }

  func apply(u: Float, v: Float) -> (x: Double, y: Double) {
    (width * Double(u) + left, height * Double(v) + top)
  }
}
