import FaceTensor
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How `HDF5Writer` stores a string attribute: the three kinds found in Keras weight files.
public enum HDF5StringType: Sendable, Equatable {
  /// Fixed-length, NUL-padded, ASCII-tagged, as long as the longest string's UTF-8 bytes (at least
  /// 1): numpy's `S` dtype, which h5py 2 wrote for the `layer_names` / `weight_names` of Keras
  /// 2.0–2.2 files (the 2017–2019 VGGFace releases).
  case fixedLengthASCII
  /// Variable-length, ASCII-tagged: what h5py 3 writes for Python `bytes`, so Keras 2.15's
  /// `layer_names`, `weight_names`, `backend` and `keras_version`.
  case variableLengthASCII
  /// Variable-length, UTF-8-tagged: what h5py 3 writes for Python `str`.
  case variableLengthUTF8
}

/// The element type a dataset is stored as (little-endian IEEE).
public enum HDF5FloatType: Sendable, Equatable {
  case float32
  case float64
}

/// Writes a new HDF5 file in the layout Keras and h5py use: nested groups, contiguous float
/// datasets, string-array attributes.
///
/// Used by tests and benchmarks to build Keras-layout weight files that FaceTensor's `HDF5File`
/// reads back.
///
/// The file is written **atomically**: everything goes to a hidden temporary file in the same
/// folder, which `finish()` closes and renames over `url`. A writer released without `finish()`,
/// or a failed `finish()`, deletes the temporary file, so `url` is never left half-written.
///
/// Paths are `/`-separated, absolute or relative to the root, and nest (a Keras layer named
/// `conv1/7x7_s2` is the group `7x7_s2` in the group `conv1`); missing groups above a new group or
/// dataset are created. Not `Sendable`: use a writer from one task.
public final class HDF5Writer {
  /// The file that `finish()` creates or replaces.
  public let url: URL
  /// Where the file is written until `finish()`: a hidden file in the same folder as `url`.
  private let temporaryURL: URL
  /// The open temporary file; `nil` once `finish()` has run.
  private var file: HDF5ID?

  /// Starts writing a new HDF5 file that `finish()` will move to `url`.
  /// - Throws: `HDF5Error.writeFailed` if the temporary file cannot be created (e.g. the folder
  ///   does not exist or is read-only).
  public init(creatingFileAt url: URL) throws(HDF5Error) {
    self.url = url
    temporaryURL = url.deletingLastPathComponent().appendingPathComponent(
      ".\(url.lastPathComponent).\(UUID().uuidString).partial")
    do throws(HDF5Failure) {
      file = try HDF5WritingLibrary.createFile(atPath: temporaryURL.path)
    } catch {
      throw .writeFailed(file: url.path, path: "/", reason: error.reason)
    }
  }

  deinit {
    guard let file else { return }
    try? HDF5Library.closeFile(file)
    unlink(temporaryURL.path)
  }

  /// Creates the group at `path` and any missing groups above it; an existing group is kept.
  /// - Throws: `HDF5Error.writeFailed` if a dataset is in the way or HDF5 fails.
  /// - Precondition: `finish()` has not been called.
  public func createGroup(at path: String) throws(HDF5Error) {
    let path = HDF5Path.joined(path)
    let file = openFile()
    try writing(path) { () throws(HDF5Failure) in
      switch try HDF5Library.objectKind(at: path, in: file) {
      case .group?:
        return
      case nil:
        try HDF5WritingLibrary.createGroup(at: path, in: file)
      case let kind?:
        throw HDF5Failure(reason: "a \(kind) is already there")
      }
    }
  }

  /// Writes `tensor` as a new contiguous dataset at `path` with the tensor's shape (`[]` gives a
  /// scalar dataset), creating missing groups above it.
  /// - Parameter type: the stored element type; `.float64` stores each `Float` exactly.
  /// - Throws: `HDF5Error.writeFailed` if an object already exists at `path` or HDF5 fails.
  /// - Precondition: `finish()` has not been called.
  public func writeDataset(_ tensor: Tensor, at path: String, as type: HDF5FloatType = .float32)
    throws(HDF5Error)
  {
    let path = HDF5Path.joined(path)
    let file = openFile()
    try writing(path) { () throws(HDF5Failure) in
      try Self.requireVacant(path, in: file)
      try HDF5WritingLibrary.createDataset(at: path, from: tensor, storedAs: type, in: file)
    }
  }

  /// Throws unless nothing is at `path` in `file`.
  private static func requireVacant(_ path: String, in file: HDF5ID) throws(HDF5Failure) {
    if let kind = try HDF5Library.objectKind(at: path, in: file) {
      throw HDF5Failure(reason: "a \(kind) is already there")
    }
  }

  /// Writes a float32 dataset at `path` that declares `shape` but holds no data.
  ///
  /// The dataset is chunked and no chunk is written: a small file whose header asks for any
  /// number of elements, as a damaged or crafted weights file does. Extents may exceed `Int.max`.
  /// - Throws: `HDF5Error.writeFailed` if an object already exists at `path` or HDF5 fails.
  /// - Precondition: `finish()` has not been called; `shape` has 1 to 32 extents.
  public func writeUnwrittenDataset(declaring shape: [UInt64], at path: String)
    throws(HDF5Error)
  {
    let path = HDF5Path.joined(path)
    let file = openFile()
    try writing(path) { () throws(HDF5Failure) in
      try Self.requireVacant(path, in: file)
      try HDF5WritingLibrary.createUnwrittenDataset(at: path, shape: shape, in: file)
    }
  }

  /// Sets attribute `name` of the object at `path` to a 1-D array of `values` (replacing an
  /// attribute of that name).
  ///
  /// Keras, for example, writes `layer_names` on `/` and `weight_names` on each layer group.
  /// Strings must not contain NUL characters.
  /// - Throws: `HDF5Error.objectNotFound` if nothing exists at `path`, `.writeFailed`.
  /// - Precondition: `finish()` has not been called.
  public func writeStringArrayAttribute(
    _ values: [String], named name: String, at path: String, as type: HDF5StringType
  ) throws(HDF5Error) {
    try writeAttribute(named: name, at: path) { path, file throws(HDF5Failure) in
      try HDF5WritingLibrary.createStringAttribute(
        named: name, at: path, values: values, isScalar: false, type: type, in: file)
    }
  }

  /// Sets attribute `name` of the object at `path` to one scalar string (replacing an attribute of
  /// that name).
  ///
  /// Keras, for example, writes `keras_version` and `backend` on `/`. The string must not contain
  /// NUL.
  /// - Throws: `HDF5Error.objectNotFound` if nothing exists at `path`, `.writeFailed`.
  /// - Precondition: `finish()` has not been called.
  public func writeStringAttribute(
    _ value: String, named name: String, at path: String, as type: HDF5StringType
  ) throws(HDF5Error) {
    try writeAttribute(named: name, at: path) { path, file throws(HDF5Failure) in
      try HDF5WritingLibrary.createStringAttribute(
        named: name, at: path, values: [value], isScalar: true, type: type, in: file)
    }
  }

  /// Sets attribute `name` of the object at `path` to an empty float64 array (shape `[0]`),
  /// replacing an attribute of that name: what Keras 2.15 writes as the `weight_names` of a layer
  /// without weights (`np.array([])`).
  /// - Throws: `HDF5Error.objectNotFound` if nothing exists at `path`, `.writeFailed`.
  /// - Precondition: `finish()` has not been called.
  public func writeEmptyFloat64ArrayAttribute(named name: String, at path: String)
    throws(HDF5Error)
  {
    try writeAttribute(named: name, at: path) { path, file throws(HDF5Failure) in
      try HDF5WritingLibrary.createEmptyFloat64Attribute(named: name, at: path, in: file)
    }
  }

  /// Closes the file and renames it to `url`, replacing any file there.
  ///
  /// After a failure nothing is left at the temporary path and `url` is untouched.
  /// - Throws: `HDF5Error.writeFailed` (path `/`) if HDF5 cannot flush the file or the rename
  ///   fails.
  /// - Precondition: `finish()` has not been called before.
  public func finish() throws(HDF5Error) {
    let file = openFile()
    self.file = nil
    do throws(HDF5Failure) {
      try HDF5Library.closeFile(file)
    } catch {
      unlink(temporaryURL.path)
      throw .writeFailed(file: url.path, path: "/", reason: error.reason)
    }
    guard rename(temporaryURL.path, url.path) == 0 else {
      let reason = "cannot rename the temporary file: " + String(cString: strerror(errno))
      unlink(temporaryURL.path)
      throw .writeFailed(file: url.path, path: "/", reason: reason)
    }
  }

  // MARK: - Helpers

  /// The open file's identifier.
  /// - Precondition: `finish()` has not been called.
  private func openFile() -> HDF5ID {
    guard let file else { preconditionFailure("[HDF5Writer] \(url.path) used after finish()") }
    return file
  }

  /// Replaces attribute `name` of the object at `path` with what `create` makes (given the
  /// absolute object path and the file).
  private func writeAttribute(
    named name: String, at path: String,
    _ create: (String, HDF5ID) throws(HDF5Failure) -> Void
  ) throws(HDF5Error) {
    let path = HDF5Path.joined(path)
    let file = openFile()
    let kind = try writing(path) { () throws(HDF5Failure) in
      try HDF5Library.objectKind(at: path, in: file)
    }
    guard kind != nil else { throw .objectNotFound(file: url.path, path: path) }
    try writing(path, attribute: name) { () throws(HDF5Failure) in
      try HDF5WritingLibrary.deleteAttributeIfPresent(named: name, at: path, in: file)
      try create(path, file)
    }
  }

  /// Runs HDF5 calls writing the object at `path` (or its attribute), reporting a failure as
  /// `HDF5Error.writeFailed`.
  private func writing<T>(
    _ path: String, attribute: String? = nil, _ body: () throws(HDF5Failure) -> T
  ) throws(HDF5Error) -> T {
    do throws(HDF5Failure) {
      return try body()
    } catch {
      let reason = attribute.map { "attribute '\($0)': \(error.reason)" } ?? error.reason
      throw .writeFailed(file: url.path, path: path, reason: reason)
    }
  }
}
