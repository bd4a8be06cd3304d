/// Reads a `dlib::shape_predictor` (dlib/image_processing/shape_predictor.h, `deserialize`):
/// int version 1; `matrix<float,0,1>` initial shape; forests as
/// `vector<vector<regression_tree>>` (a tree = `vector<split_feature>` splits, each
/// `(unsigned long idx1, unsigned long idx2, float thresh)`, then `vector<matrix<float,0,1>>`
/// leaf values); `vector<vector<unsigned long>>` anchor indices; `vector<vector<vector<float,2>>>`
/// deltas.
///
/// Beyond the encoding, it checks what prediction relies on, so a damaged file can never index
/// out of bounds: an even, non-empty shape; complete trees (`2^k - 1` splits, `2^k` leaves);
/// leaves as long as the shape; one anchor and one delta list per cascade, of equal length;
/// anchors naming existing parts; split indices below the cascade's feature count; finite values.
enum DlibShapePredictorReader {
  /// Reads the whole file; the decoder must be at its first byte.
  static func read(_ decoder: inout DlibDecoder) throws(DlibFormatError) -> DlibShapePredictor {
    try decoder.expectVersion(of: "shape_predictor", equals: 1)
    let shapeOffset = decoder.offset
    let initialShape = try readFiniteColumn("initial shape", expectedCount: nil, from: &decoder)
    guard !initialShape.isEmpty, initialShape.count % 2 == 0 else {
      throw DlibFormatError.impossibleShape(
        file: decoder.fileName, offset: shapeOffset, object: "initial shape",
        expected: "2*parts x 1 with parts >= 1", found: [Int64(initialShape.count), 1])
    }
    let partCount = initialShape.count / 2

    let cascadeCount = try decoder.readCount("cascade", minimumBytesPerElement: 2)
    var forests: [[DlibShapePredictor.RegressionTree]] = []
    // Per cascade: the largest split index and where it was read, checked once the cascade's
    // feature count (its anchor list) is known.
    var largestSplitIndex: [(index: Int, offset: Int)] = []
    for _ in 0..<cascadeCount {
      let treeCount = try decoder.readCount("regression tree", minimumBytesPerElement: 4)
      var trees: [DlibShapePredictor.RegressionTree] = []
      var largest = (index: -1, offset: decoder.offset)
      for _ in 0..<treeCount {
        let (tree, treeLargest) = try readTree(shapeLength: initialShape.count, from: &decoder)
        trees.append(tree)
        if treeLargest.index > largest.index { largest = treeLargest }
      }
      forests.append(trees)
      largestSplitIndex.append(largest)
    }

    let anchorListsOffset = decoder.offset
    let anchorListCount = try decoder.readCount("anchor list", minimumBytesPerElement: 2)
    try requireCascadeCount(
      anchorListCount, of: "anchor lists", cascadeCount, at: anchorListsOffset, in: decoder)
    var anchors: [[Int]] = []
    for cascade in 0..<anchorListCount {
      let count = try decoder.readCount("anchor index", minimumBytesPerElement: 2)
      var list: [Int] = []
      list.reserveCapacity(count)
      for _ in 0..<count {
        list.append(
          try decoder.readInteger("anchor index (a part)", in: 0...Int64(partCount - 1)))
      }
      let largest = largestSplitIndex[cascade]
      if largest.index >= count {
        throw DlibFormatError.unexpectedValue(
          file: decoder.fileName, offset: largest.offset, field: "split feature index",
          expected: "< \(count) (the features of cascade \(cascade))", found: "\(largest.index)")
      }
      anchors.append(list)
    }

    let deltaListsOffset = decoder.offset
    let deltaListCount = try decoder.readCount("delta list", minimumBytesPerElement: 2)
    try requireCascadeCount(
      deltaListCount, of: "delta lists", cascadeCount, at: deltaListsOffset, in: decoder)
    var cascades: [DlibShapePredictor.Cascade] = []
    for cascade in 0..<deltaListCount {
      let countOffset = decoder.offset
      let count = try decoder.readCount("delta", minimumBytesPerElement: 8)
      if count != anchors[cascade].count {
        throw DlibFormatError.unexpectedValue(
          file: decoder.fileName, offset: countOffset, field: "delta count of cascade \(cascade)",
          expected: "= \(anchors[cascade].count) (its anchor count)", found: "\(count)")
      }
      var deltas: [SIMD2<Float>] = []
      deltas.reserveCapacity(count)
      for _ in 0..<count {
        let start = decoder.offset
        let delta = try decoder.readFloatPoint("delta")
        try requireFinite([delta.x, delta.y], of: "delta", at: start, in: decoder)
        deltas.append(delta)
      }
      cascades.append(
        DlibShapePredictor.Cascade(
          trees: forests[cascade], anchorIndices: anchors[cascade], deltas: deltas))
    }
    try decoder.requireEnd()
    return DlibShapePredictor(initialShape: initialShape, cascades: cascades)
  }

  /// Reads one regression tree and returns it with its largest split index and that index's
  /// offset.
  private static func readTree(
    shapeLength: Int, from decoder: inout DlibDecoder
  ) throws(DlibFormatError) -> (DlibShapePredictor.RegressionTree, (index: Int, offset: Int)) {
    let splitsOffset = decoder.offset
    let splitCount = try decoder.readCount("split", minimumBytesPerElement: 8)
    guard splitCount < 1 << 20, (splitCount + 1) & splitCount == 0 else {
      throw DlibFormatError.unexpectedValue(
        file: decoder.fileName, offset: splitsOffset, field: "split count",
        expected: "2^k - 1 (a complete tree)", found: "\(splitCount)")
    }
    var splits: [DlibShapePredictor.Split] = []
    splits.reserveCapacity(splitCount)
    var largest = (index: -1, offset: splitsOffset)
    for _ in 0..<splitCount {
      let firstOffset = decoder.offset
      let first = try decoder.readInteger("split idx1", in: 0...Int64(Int32.max))
      let secondOffset = decoder.offset
      let second = try decoder.readInteger("split idx2", in: 0...Int64(Int32.max))
      let thresholdOffset = decoder.offset
      let threshold = try decoder.readFloat("split threshold")
      try requireFinite([threshold], of: "split threshold", at: thresholdOffset, in: decoder)
      if first > largest.index { largest = (first, firstOffset) }
      if second > largest.index { largest = (second, secondOffset) }
      splits.append(DlibShapePredictor.Split(index1: first, index2: second, threshold: threshold))
    }
    let leavesOffset = decoder.offset
    let leafCount = try decoder.readCount("leaf", minimumBytesPerElement: 4)
    if leafCount != splitCount + 1 {
      throw DlibFormatError.unexpectedValue(
        file: decoder.fileName, offset: leavesOffset, field: "leaf count",
        expected: "= \(splitCount + 1) (splits + 1)", found: "\(leafCount)")
    }
    var leafValues: [Float] = []
    leafValues.reserveCapacity(leafCount * shapeLength)
    for _ in 0..<leafCount {
      leafValues += try readFiniteColumn("leaf value", expectedCount: shapeLength, from: &decoder)
    }
    return (DlibShapePredictor.RegressionTree(splits: splits, leafValues: leafValues), largest)
  }

  /// Reads a float column whose values must all be finite.
  private static func readFiniteColumn(
    _ what: String, expectedCount: Int?, from decoder: inout DlibDecoder
  ) throws(DlibFormatError) -> [Float] {
    let start = decoder.offset
    let values = try decoder.readFloatColumn(what, expectedCount: expectedCount)
    try requireFinite(values, of: what, at: start, in: decoder)
    return values
  }

  /// Throws `unexpectedValue` at `offset` if a value is infinite or NaN.
  private static func requireFinite(
    _ values: [Float], of what: String, at offset: Int, in decoder: DlibDecoder
  ) throws(DlibFormatError) {
    if let bad = values.first(where: { !$0.isFinite }) {
      throw DlibFormatError.unexpectedValue(
        file: decoder.fileName, offset: offset, field: what, expected: "finite values",
        found: "\(bad)")
    }
  }

  /// Throws `unexpectedValue` unless a per-cascade list has one entry per cascade.
  private static func requireCascadeCount(
    _ count: Int, of what: String, _ cascadeCount: Int, at offset: Int, in decoder: DlibDecoder
  ) throws(DlibFormatError) {
    if count != cascadeCount {
      throw DlibFormatError.unexpectedValue(
        file: decoder.fileName, offset: offset, field: "number of \(what)",
        expected: "= \(cascadeCount) (one per cascade)", found: "\(count)")
    }
  }
}
