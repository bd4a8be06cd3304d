import CHDF5
import CHDF5Shims

// The only Swift file of FaceTensor that calls HDF5's C API (directly or through the CHDF5Shims
// helpers). Functions here speak HDF5: they take identifiers and absolute object paths and throw
// `HDF5Failure` with HDF5's own message; `HDF5File` turns that into an `HDF5Error` naming the file.
// FaceTensor only reads; the few members FaceTestSupport's `HDF5Writer` shares are `package`.

/// An HDF5 identifier (`hid_t`); negative values mean failure.
package typealias HDF5ID = Int64

/// An HDF5 call failed; `reason` is the most specific message on HDF5's error stack.
package struct HDF5Failure: Error {
  package let reason: String

  /// A failure for the reason given.
  package init(reason: String) {
    self.reason = reason
  }

  /// A failure for the reason that a C helper wrote into `buffer` (the text before the first NUL).
  package init(reasonBuffer buffer: [CChar]) {
    reason = decodeNulTerminated(buffer)
  }

  /// The calling thread's innermost HDF5 error message, or `fallback` when HDF5 recorded none.
  ///
  /// Call it right after the failing call: any later HDF5 call (a close) clears the stack.
  package static func fromErrorStack(orElse fallback: String) -> HDF5Failure {
    var buffer = [CChar](repeating: 0, count: 512)
    let length = fa_h5_copy_innermost_error(&buffer, buffer.count)
    return HDF5Failure(reason: length > 0 ? decodeNulTerminated(buffer) : fallback)
  }
}

/// The element type of a dataset or an attribute, as far as FaceTensor reads it.
enum HDF5ElementType: Equatable {
  case float32, float64, string
  /// Any other type, named like numpy (`int32`, `uint8`, `float16`) or by its HDF5 class.
  case other(String)

  /// The name quoted in error messages.
  var name: String {
    switch self {
    case .float32: return "float32"
    case .float64: return "float64"
    case .string: return "string"
    case .other(let name): return name
    }
  }
}

/// The extent and element type of a dataset or an attribute.
struct HDF5ArrayInfo {
  /// The extents, outermost first; `[]` for a scalar, `nil` for a null dataspace (no elements).
  let shape: [Int]?
  let elementType: HDF5ElementType

  /// The number of elements (1 for a scalar, 0 for a null dataspace), or nil when the product of
  /// the extents does not fit an `Int` (a damaged or crafted file).
  var elementCount: Int? {
    guard let shape else { return 0 }
    return Tensor.checkedElementCount(of: shape)
  }
}

/// Thin wrappers over the HDF5 1.10 C calls FaceTensor uses.
///
/// Each one turns off HDF5's automatic error printing for the calling thread first (the
/// thread-safe build keeps that setting per thread).
package enum HDF5Library {
  /// Whether the linked HDF5 was built thread-safe (one global lock around every API call).
  static var isThreadSafe: Bool {
    var threadSafe = false
    return H5is_library_threadsafe(&threadSafe) >= 0 && threadSafe
  }

  // MARK: - Files

  /// Whether the file at `path` starts with the HDF5 signature.
  static func isHDF5File(atPath path: String) throws(HDF5Failure) -> Bool {
    fa_h5_silence_errors()
    let result = H5Fis_hdf5(path)
    guard result >= 0 else { throw .fromErrorStack(orElse: "H5Fis_hdf5 failed") }
    return result > 0
  }

  /// Opens an existing file for reading.
  static func openFileReadOnly(atPath path: String) throws(HDF5Failure) -> HDF5ID {
    fa_h5_silence_errors()
    let file = H5Fopen(path, fa_h5f_acc_rdonly(), fa_h5p_default())
    guard file >= 0 else { throw .fromErrorStack(orElse: "H5Fopen failed") }
    return file
  }

  /// Flushes and closes a file.
  package static func closeFile(_ file: HDF5ID) throws(HDF5Failure) {
    fa_h5_silence_errors()
    guard H5Fclose(file) >= 0 else { throw .fromErrorStack(orElse: "H5Fclose failed") }
  }

  // MARK: - Objects and groups

  /// The kind of object at the absolute `path`, or `nil` when no object is there: a missing link,
  /// a dangling soft link, or a path that runs through a dataset.
  package static func objectKind(at path: String, in file: HDF5ID) throws(HDF5Failure)
    -> HDF5ObjectKind?
  {
    fa_h5_silence_errors()
    var kind = HDF5ObjectKind.group  // the root
    var prefix = ""
    for name in HDF5Path.names(in: path) {
      // H5Lexists fails rather than answering when an intermediate link is missing, so each
      // level is checked in turn, below a level already known to be a group.
      guard kind == .group else { return nil }
      prefix += "/" + name
      let linkExists = H5Lexists(file, prefix, fa_h5p_default())
      guard linkExists >= 0 else { throw .fromErrorStack(orElse: "H5Lexists failed") }
      guard linkExists > 0 else { return nil }
      let objectExists = H5Oexists_by_name(file, prefix, fa_h5p_default())
      guard objectExists >= 0 else { throw .fromErrorStack(orElse: "H5Oexists_by_name failed") }
      guard objectExists > 0 else { return nil }
      kind = try kindOfObject(named: prefix, in: file)
    }
    return kind
  }

  /// The link names in the group at `path`, in increasing name order.
  static func memberNames(ofGroup path: String, in file: HDF5ID) throws(HDF5Failure) -> [String] {
    fa_h5_silence_errors()
    let group = H5Gopen2(file, path, fa_h5p_default())
    guard group >= 0 else { throw .fromErrorStack(orElse: "H5Gopen2 failed") }
    defer { H5Gclose(group) }
    var info = H5G_info_t()
    guard H5Gget_info(group, &info) >= 0 else {
      throw .fromErrorStack(orElse: "H5Gget_info failed")
    }
    var names: [String] = []
    for index in 0..<info.nlinks {
      let length = H5Lget_name_by_idx(
        group, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, fa_h5p_default())
      guard length >= 0 else { throw .fromErrorStack(orElse: "H5Lget_name_by_idx failed") }
      var buffer = [CChar](repeating: 0, count: length + 1)
      let copied = H5Lget_name_by_idx(
        group, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, fa_h5p_default())
      guard copied >= 0 else { throw .fromErrorStack(orElse: "H5Lget_name_by_idx failed") }
      names.append(decodeNulTerminated(buffer))
    }
    return names
  }

  /// The kind of the object that the link `name` (a path relative to `location`) leads to.
  static func kindOfObject(named name: String, in location: HDF5ID) throws(HDF5Failure)
    -> HDF5ObjectKind
  {
    fa_h5_silence_errors()
    let object = H5Oopen(location, name, fa_h5p_default())
    guard object >= 0 else { throw .fromErrorStack(orElse: "H5Oopen failed") }
    defer { H5Oclose(object) }
    switch H5Iget_type(object) {
    case H5I_GROUP: return .group
    case H5I_DATASET: return .dataset
    case H5I_DATATYPE: return .namedDatatype
    default: throw HDF5Failure(reason: "'\(name)' is not a group, dataset or named datatype")
    }
  }

  // MARK: - Datasets

  /// The shape and element type of the dataset at `path`.
  static func datasetInfo(at path: String, in file: HDF5ID) throws(HDF5Failure) -> HDF5ArrayInfo {
    fa_h5_silence_errors()
    let dataset = H5Dopen2(file, path, fa_h5p_default())
    guard dataset >= 0 else { throw .fromErrorStack(orElse: "H5Dopen2 failed") }
    defer { H5Dclose(dataset) }
    let type = H5Dget_type(dataset)
    guard type >= 0 else { throw .fromErrorStack(orElse: "H5Dget_type failed") }
    defer { H5Tclose(type) }
    let space = H5Dget_space(dataset)
    guard space >= 0 else { throw .fromErrorStack(orElse: "H5Dget_space failed") }
    defer { H5Sclose(space) }
    return HDF5ArrayInfo(shape: try shape(ofDataspace: space), elementType: try elementType(type))
  }

  /// All `count` elements of the float dataset at `path`, converted by HDF5 to native `Float`.
  static func readFloats(ofDataset path: String, count: Int, in file: HDF5ID) throws(HDF5Failure)
    -> [Float]
  {
    var values = [Float](repeating: 0, count: count)
    try readDataset(at: path, memoryType: fa_h5t_native_float(), into: &values, in: file)
    return values
  }

  /// All `count` elements of the float dataset at `path`, converted by HDF5 to native `Double`.
  static func readDoubles(ofDataset path: String, count: Int, in file: HDF5ID) throws(HDF5Failure)
    -> [Double]
  {
    var values = [Double](repeating: 0, count: count)
    try readDataset(at: path, memoryType: fa_h5t_native_double(), into: &values, in: file)
    return values
  }

  // MARK: - Attributes

  /// Whether the object at `path` has an attribute called `name`.
  package static func attributeExists(named name: String, at path: String, in file: HDF5ID)
    throws(HDF5Failure) -> Bool
  {
    fa_h5_silence_errors()
    let result = H5Aexists_by_name(file, path, name, fa_h5p_default())
    guard result >= 0 else { throw .fromErrorStack(orElse: "H5Aexists_by_name failed") }
    return result > 0
  }

  /// The shape and element type of attribute `name` of the object at `path`.
  static func attributeInfo(named name: String, at path: String, in file: HDF5ID)
    throws(HDF5Failure) -> HDF5ArrayInfo
  {
    fa_h5_silence_errors()
    let attribute = H5Aopen_by_name(file, path, name, fa_h5p_default(), fa_h5p_default())
    guard attribute >= 0 else { throw .fromErrorStack(orElse: "H5Aopen_by_name failed") }
    defer { H5Aclose(attribute) }
    let type = H5Aget_type(attribute)
    guard type >= 0 else { throw .fromErrorStack(orElse: "H5Aget_type failed") }
    defer { H5Tclose(type) }
    let space = H5Aget_space(attribute)
    guard space >= 0 else { throw .fromErrorStack(orElse: "H5Aget_space failed") }
    defer { H5Sclose(space) }
    return HDF5ArrayInfo(shape: try shape(ofDataspace: space), elementType: try elementType(type))
  }

  /// Every element (row-major) of the string attribute `name` of the object at `path`, fixed-length
  /// (padding removed) or variable-length; fails if the attribute's elements are not strings.
  static func readStrings(ofAttribute name: String, at path: String, in file: HDF5ID)
    throws(HDF5Failure) -> [String]
  {
    fa_h5_silence_errors()
    let attribute = H5Aopen_by_name(file, path, name, fa_h5p_default(), fa_h5p_default())
    guard attribute >= 0 else { throw .fromErrorStack(orElse: "H5Aopen_by_name failed") }
    defer { H5Aclose(attribute) }
    var strings: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    var count = 0
    var reason = [CChar](repeating: 0, count: 512)
    let status = fa_h5_read_string_attribute(attribute, &strings, &count, &reason, reason.count)
    guard status != FA_H5_NOT_A_STRING else {
      throw HDF5Failure(reason: "attribute '\(name)' is not a string")
    }
    guard status == FA_H5_OK, let strings else {
      throw HDF5Failure(reasonBuffer: reason)
    }
    defer { fa_h5_free_strings(strings, count) }
    return (0..<count).map { index in strings[index].map { String(cString: $0) } ?? "" }
  }

  // MARK: - Helpers

  private static func readDataset<Element>(
    at path: String, memoryType: HDF5ID, into values: inout [Element], in file: HDF5ID
  ) throws(HDF5Failure) {
    fa_h5_silence_errors()
    let dataset = H5Dopen2(file, path, fa_h5p_default())
    guard dataset >= 0 else { throw .fromErrorStack(orElse: "H5Dopen2 failed") }
    defer { H5Dclose(dataset) }
    guard !values.isEmpty else { return }
    let status = values.withUnsafeMutableBytes { buffer in
      H5Dread(
        dataset, memoryType, fa_h5s_all(), fa_h5s_all(), fa_h5p_default(), buffer.baseAddress)
    }
    guard status >= 0 else { throw .fromErrorStack(orElse: "H5Dread failed") }
  }

  private static func shape(ofDataspace space: HDF5ID) throws(HDF5Failure) -> [Int]? {
    switch H5Sget_simple_extent_type(space) {
    case H5S_NULL:
      return nil
    case H5S_SCALAR:
      return []
    case H5S_SIMPLE:
      let rank = H5Sget_simple_extent_ndims(space)
      guard rank >= 0 else { throw .fromErrorStack(orElse: "H5Sget_simple_extent_ndims failed") }
      var extents = [hsize_t](repeating: 0, count: Int(rank))
      guard H5Sget_simple_extent_dims(space, &extents, nil) >= 0 else {
        throw .fromErrorStack(orElse: "H5Sget_simple_extent_dims failed")
      }
      return extents.map { Int(clamping: $0) }
    default:
      throw .fromErrorStack(orElse: "unknown dataspace class")
    }
  }

  private static func elementType(_ type: HDF5ID) throws(HDF5Failure) -> HDF5ElementType {
    let bits = H5Tget_size(type) * 8
    switch H5Tget_class(type) {
    case H5T_FLOAT where bits == 32: return .float32
    case H5T_FLOAT where bits == 64: return .float64
    case H5T_FLOAT: return .other("float\(bits)")
    case H5T_INTEGER:
      return .other((H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + "\(bits)")
    case H5T_STRING: return .string
    case H5T_BITFIELD: return .other("bitfield")
    case H5T_OPAQUE: return .other("opaque")
    case H5T_COMPOUND: return .other("compound")
    case H5T_REFERENCE: return .other("reference")
    case H5T_ENUM: return .other("enum")
    case H5T_VLEN: return .other("variable-length sequence")
    case H5T_ARRAY: return .other("array")
    case H5T_TIME: return .other("time")
    default: throw .fromErrorStack(orElse: "unknown datatype class")
    }
  }
}

/// The UTF-8 text before the first NUL of a C character buffer (invalid bytes are replaced).
private func decodeNulTerminated(_ buffer: [CChar]) -> String {
  String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
