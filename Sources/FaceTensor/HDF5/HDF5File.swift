import Foundation

/// An HDF5 file opened read-only: list groups, test paths, read string attributes, and read float
/// datasets as `Tensor`s.
///
/// Object paths are `/`-separated, absolute or relative to the root (`"conv1"` is `"/conv1"`), and
/// they nest: a Keras layer named `conv1/7x7_s2` is the group `7x7_s2` inside the group `conv1`.
/// Errors quote paths in absolute form. Reading a file with another HDF5 library version than the
/// one that wrote it is fine: files from h5py 3 (bundling HDF5 2.0) read with this HDF5 1.10.8.
///
/// **Sendable.** `@unchecked` because the class holds a C handle, but it is safe to share: its
/// stored properties are immutable, and the HDF5 1.10.8 linked here is built thread-safe (one
/// global lock around every API call, error stacks kept per thread), which
/// `HDF5File.isLibraryThreadSafe` reports and a test checks. The file is closed in `deinit`.
public final class HDF5File: @unchecked Sendable {
  /// The file this object reads.
  public let url: URL
  /// The open file's HDF5 identifier.
  private let file: HDF5ID

  /// The largest file `init(contentsOf:)` opens by default: 2 GiB (the largest published
  /// keras-vggface file, VGG-16's, is 580 MB).
  public static let defaultMaxFileSize = 2 << 30

  /// The most elements `tensor(at:)` reads from one dataset by default: 2^28 (1 GiB of float32;
  /// VGG-16's largest weight has 102,760,448).
  public static let defaultMaxElementCount = 1 << 28

  /// The most strings a string attribute may hold (Keras's `layer_names` has a few hundred).
  public static let maxAttributeStrings = 1 << 20

  /// Opens the HDF5 file at `url` for reading.
  /// - Parameters:
  ///   - url: a file URL.
  ///   - maxFileSize: the largest file accepted, in bytes, checked before HDF5 opens it.
  /// - Throws: `HDF5Error.fileNotFound`; `.unusableFile` for anything but a readable regular
  ///   file of at most `maxFileSize` bytes (a directory, a FIFO, no permission, a symbolic-link
  ///   loop); `.notHDF5` when the file lacks the HDF5 signature (a text file); `.openFailed`
  ///   with HDF5's reason when the signature is there but the file is truncated or corrupt.
  public init(contentsOf url: URL, maxFileSize: Int = HDF5File.defaultMaxFileSize)
    throws(HDF5Error)
  {
    let name = url.path
    do throws(InputFileError) {
      try InputFile.check(url, maxSize: maxFileSize, what: "HDF5 weights file")
    } catch .notFound(let file) {
      throw .fileNotFound(file: file)
    } catch {
      throw .unusableFile(error)
    }
    let hasSignature: Bool
    do throws(HDF5Failure) {
      hasSignature = try HDF5Library.isHDF5File(atPath: name)
    } catch {
      throw .openFailed(file: name, reason: error.reason)
    }
    guard hasSignature else { throw .notHDF5(file: name) }
    do throws(HDF5Failure) {
      file = try HDF5Library.openFileReadOnly(atPath: name)
    } catch {
      throw .openFailed(file: name, reason: error.reason)
    }
    self.url = url
  }

  deinit {
    try? HDF5Library.closeFile(file)
  }

  /// Whether the HDF5 library linked into this program is thread-safe, as the `Sendable`
  /// conformance of `HDF5File` assumes (true for Debian's `libhdf5-dev`).
  public static var isLibraryThreadSafe: Bool { HDF5Library.isThreadSafe }

  // MARK: - Groups and paths

  /// The kind of object at `path`, or `nil` when nothing is there (a missing link, or a path that
  /// runs through a dataset).
  /// - Throws: `HDF5Error.readFailed` if HDF5 fails while following the path (a corrupt file).
  public func objectKind(at path: String) throws(HDF5Error) -> HDF5ObjectKind? {
    let path = HDF5Path.joined(path)
    return try reading(path) { () throws(HDF5Failure) in
      try HDF5Library.objectKind(at: path, in: file)
    }
  }

  /// Whether an object (group, dataset or named datatype) exists at `path`.
  /// - Throws: `HDF5Error.readFailed` if HDF5 fails while following the path.
  public func containsObject(at path: String) throws(HDF5Error) -> Bool {
    try objectKind(at: path) != nil
  }

  /// The members of the group at `path`, sorted by name; each is a link name (without `/`) and the
  /// kind of object it leads to.
  /// - Throws: `HDF5Error.objectNotFound`, `.wrongObjectKind` if `path` is not a group,
  ///   `.readFailed`.
  public func members(ofGroup path: String) throws(HDF5Error) -> [HDF5Member] {
    let path = try requireObject(at: path, kind: .group)
    return try reading(path) { () throws(HDF5Failure) in
      var members: [HDF5Member] = []
      for name in try HDF5Library.memberNames(ofGroup: path, in: file) {
        let kind = try HDF5Library.kindOfObject(named: HDF5Path.joined(path, name), in: file)
        members.append(HDF5Member(name: name, kind: kind))
      }
      return members
    }
  }

  /// The first of `candidates` that is a group carrying attribute `name`, as an absolute path, or
  /// `nil` when none is.
  ///
  /// Candidates that do not exist, or are datasets, are skipped.
  ///
  /// For example a Keras weights file has its layer groups at the root (`save_weights`) or under
  /// `/model_weights` (`model.save`), wherever the `layer_names` attribute is:
  /// `firstGroup(among: ["/", "/model_weights"], withAttribute: "layer_names")`.
  /// - Throws: `HDF5Error.readFailed`.
  public func firstGroup(among candidates: [String], withAttribute name: String)
    throws(HDF5Error) -> String?
  {
    for candidate in candidates.map({ HDF5Path.joined($0) }) {
      guard try objectKind(at: candidate) == .group else { continue }
      if try hasAttribute(named: name, at: candidate) { return candidate }
    }
    return nil
  }

  // MARK: - Attributes

  /// Whether the object at `path` has an attribute called `name`.
  /// - Throws: `HDF5Error.objectNotFound`, `.readFailed`.
  public func hasAttribute(named name: String, at path: String) throws(HDF5Error) -> Bool {
    let path = try requireObject(at: path)
    return try reading(path, attribute: name) { () throws(HDF5Failure) in
      try HDF5Library.attributeExists(named: name, at: path, in: file)
    }
  }

  /// Every string of attribute `name` of the object at `path`, in row-major order (a scalar gives
  /// one string).
  ///
  /// Both HDF5 string kinds are read: fixed-length (numpy `S` dtype, as written by
  /// Keras up to 2.2 through h5py 2; padding removed) and variable-length (ASCII or UTF-8, as
  /// Keras 2.15 writes through h5py 3). An attribute with no elements of any datatype gives `[]`:
  /// Keras 2.15 writes the `weight_names` of a layer without weights as an empty float64 array.
  /// - Throws: `HDF5Error.objectNotFound`, `.attributeNotFound`, `.wrongDatatype` for a non-empty
  ///   attribute that does not hold strings, `.readFailed`.
  public func stringArrayAttribute(named name: String, at path: String) throws(HDF5Error)
    -> [String]
  {
    let (path, info) = try requireAttribute(named: name, at: path)
    guard let count = info.elementCount, count <= HDF5File.maxAttributeStrings else {
      throw .tooManyElements(
        file: url.path, path: path, attribute: name, shape: info.shape ?? [],
        limit: HDF5File.maxAttributeStrings)
    }
    if info.elementType != .string {
      guard count == 0 else {
        throw .wrongDatatype(
          file: url.path, path: path, attribute: name, expected: "string",
          actual: info.elementType.name)
      }
      return []
    }
    return try reading(path, attribute: name) { () throws(HDF5Failure) in
      try HDF5Library.readStrings(ofAttribute: name, at: path, in: file)
    }
  }

  /// The single string held by attribute `name` of the object at `path` (a scalar, or any shape
  /// with one element), fixed-length or variable-length, such as Keras's `keras_version`.
  /// - Throws: `HDF5Error.objectNotFound`, `.attributeNotFound`, `.wrongDatatype` if it does not
  ///   hold strings, `.notScalar` if it holds more or fewer than one, `.readFailed`.
  public func stringAttribute(named name: String, at path: String) throws(HDF5Error) -> String {
    let (path, info) = try requireAttribute(named: name, at: path)
    guard info.elementType == .string else {
      throw .wrongDatatype(
        file: url.path, path: path, attribute: name, expected: "string",
        actual: info.elementType.name)
    }
    // A null dataspace (no extents, no elements) is reported as shape [0].
    guard info.elementCount == 1 else {
      throw .notScalar(file: url.path, path: path, attribute: name, shape: info.shape ?? [0])
    }
    let strings = try reading(path, attribute: name) { () throws(HDF5Failure) in
      try HDF5Library.readStrings(ofAttribute: name, at: path, in: file)
    }
    guard let string = strings.first else {
      throw .readFailed(file: url.path, path: path, reason: "attribute '\(name)' read no string")
    }
    return string
  }

  // MARK: - Datasets

  /// The shape of the float dataset at `path` (`[]` for a scalar), read from its header without
  /// reading any data.
  /// - Throws: `HDF5Error.objectNotFound`, `.wrongObjectKind` if `path` is a group,
  ///   `.wrongDatatype` naming the dtype (`int32`, `float16`, ...) for any other element type,
  ///   `.readFailed` (also for a null dataspace).
  public func floatDatasetShape(at path: String) throws(HDF5Error) -> [Int] {
    try floatDatasetInfo(at: path).shape
  }

  /// The float dataset at `path` as a tensor, read only after its declared shape is checked.
  ///
  /// The tensor has the dataset's shape (`[]` for a scalar) and its values in row-major order.
  /// float32 data is read as is (any byte order); float64 data is rounded to the nearest `Float`.
  /// The declared shape is checked before anything is allocated or read: against
  /// `expectedShape` when given, and its element count (computed with overflow checks) against
  /// `maxElementCount`.
  /// - Parameters:
  ///   - path: the dataset's object path.
  ///   - expectedShape: the shape the reader needs, or nil to take the file's.
  ///   - maxElementCount: the most elements read.
  ///   - requiringFiniteValues: refuse a dataset holding NaN or an infinity.
  /// - Throws: `HDF5Error.objectNotFound`, `.wrongObjectKind` if `path` is a group,
  ///   `.wrongDatatype` naming the dtype (`int32`, `float16`, ...) for any other element type,
  ///   `.unexpectedShape`, `.tooManyElements`, `.nonFiniteValues`, `.readFailed`.
  public func tensor(
    at path: String, expectedShape: [Int]? = nil,
    maxElementCount: Int = HDF5File.defaultMaxElementCount, requiringFiniteValues: Bool = false
  ) throws(HDF5Error) -> Tensor {
    let (path, shape, elementType) = try floatDatasetInfo(at: path)
    if let expectedShape, shape != expectedShape {
      throw .unexpectedShape(file: url.path, path: path, expected: expectedShape, actual: shape)
    }
    guard let count = Tensor.checkedElementCount(of: shape), count <= maxElementCount else {
      throw .tooManyElements(
        file: url.path, path: path, attribute: nil, shape: shape, limit: maxElementCount)
    }
    let scalars: [Float]
    if elementType == .float32 {
      scalars = try reading(path) { () throws(HDF5Failure) in
        try HDF5Library.readFloats(ofDataset: path, count: count, in: file)
      }
    } else {
      let doubles = try reading(path) { () throws(HDF5Failure) in
        try HDF5Library.readDoubles(ofDataset: path, count: count, in: file)
      }
      scalars = doubles.map { Float($0) }
    }
    if requiringFiniteValues, let first = scalars.firstIndex(where: { !$0.isFinite }) {
      let bad = scalars[first...].reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
      throw .nonFiniteValues(file: url.path, path: path, count: bad, firstIndex: first)
    }
    return Tensor(shape: shape, scalars: scalars)
  }

  // MARK: - Helpers

  /// The absolute path, shape and element type (float32 or float64) of the dataset at `path`.
  private func floatDatasetInfo(at path: String) throws(HDF5Error) -> (
    path: String, shape: [Int], elementType: HDF5ElementType
  ) {
    let path = try requireObject(at: path, kind: .dataset)
    let info = try reading(path) { () throws(HDF5Failure) in
      try HDF5Library.datasetInfo(at: path, in: file)
    }
    guard let shape = info.shape else {
      throw .readFailed(
        file: url.path, path: path, reason: "the dataset has no shape (null dataspace)")
    }
    switch info.elementType {
    case .float32, .float64:
      return (path, shape, info.elementType)
    case .string, .other:
      throw .wrongDatatype(
        file: url.path, path: path, attribute: nil, expected: "float32 or float64",
        actual: info.elementType.name)
    }
  }

  /// The absolute form of `path`, after checking an object (of `kind`, if given) is there.
  private func requireObject(at path: String, kind expected: HDF5ObjectKind? = nil)
    throws(HDF5Error) -> String
  {
    let path = HDF5Path.joined(path)
    guard let kind = try objectKind(at: path) else {
      throw .objectNotFound(file: url.path, path: path)
    }
    if let expected, kind != expected {
      throw .wrongObjectKind(file: url.path, path: path, expected: expected, actual: kind)
    }
    return path
  }

  /// The absolute object path and the attribute's shape and type, after checking both exist.
  private func requireAttribute(named name: String, at path: String) throws(HDF5Error)
    -> (path: String, info: HDF5ArrayInfo)
  {
    let path = try requireObject(at: path)
    guard try hasAttribute(named: name, at: path) else {
      throw .attributeNotFound(file: url.path, path: path, attribute: name)
    }
    let info = try reading(path, attribute: name) { () throws(HDF5Failure) in
      try HDF5Library.attributeInfo(named: name, at: path, in: file)
    }
    return (path, info)
  }

  /// Runs HDF5 calls reading the object at `path` (or its attribute), reporting a failure as
  /// `HDF5Error.readFailed`.
  private func reading<T>(
    _ path: String, attribute: String? = nil, _ body: () throws(HDF5Failure) -> T
  ) throws(HDF5Error) -> T {
    do throws(HDF5Failure) {
      return try body()
    } catch {
      let reason = attribute.map { "attribute '\($0)': \(error.reason)" } ?? error.reason
      throw .readFailed(file: url.path, path: path, reason: reason)
    }
  }
}
