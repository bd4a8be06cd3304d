import CHDF5
import CHDF5Shims
import CHDF5Writing
import FaceTensor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// The only Swift file of FaceTestSupport that calls HDF5's C API (directly or through the CHDF5Shims
// and CHDF5Writing helpers): the calls only writing needs, in the style of FaceTensor's
// `HDF5Library` (whose `package` members `HDF5Writer` uses for the rest). Functions take
// identifiers and absolute object paths and throw `HDF5Failure` with HDF5's own message.

/// Thin wrappers over the HDF5 1.10 C calls that create files, groups, datasets and attributes;
/// each one turns off HDF5's automatic error printing for the calling thread first.
enum HDF5WritingLibrary {
  /// Creates a file for writing, truncating any existing file at `path`.
  static func createFile(atPath path: String) throws(HDF5Failure) -> HDF5ID {
    fa_h5_silence_errors()
    let file = H5Fcreate(path, fa_h5f_acc_trunc(), fa_h5p_default(), fa_h5p_default())
    guard file >= 0 else { throw .fromErrorStack(orElse: "H5Fcreate failed") }
    return file
  }

  /// Creates the group at `path` and any missing groups above it.
  static func createGroup(at path: String, in file: HDF5ID) throws(HDF5Failure) {
    fa_h5_silence_errors()
    let linkCreation = try intermediateGroupCreation()
    defer { H5Pclose(linkCreation) }
    let group = H5Gcreate2(file, path, linkCreation, fa_h5p_default(), fa_h5p_default())
    guard group >= 0 else { throw .fromErrorStack(orElse: "H5Gcreate2 failed") }
    guard H5Gclose(group) >= 0 else { throw .fromErrorStack(orElse: "H5Gclose failed") }
  }

  /// Creates the dataset at `path` (and missing groups above it) holding `tensor`, contiguous,
  /// unfiltered, stored as little-endian IEEE float32 or float64.
  static func createDataset(
    at path: String, from tensor: Tensor, storedAs storage: HDF5FloatType, in file: HDF5ID
  ) throws(HDF5Failure) {
    fa_h5_silence_errors()
    let linkCreation = try intermediateGroupCreation()
    defer { H5Pclose(linkCreation) }
    let space = try createDataspace(shape: tensor.shape)
    defer { H5Sclose(space) }
    let fileType = storage == .float32 ? fa_h5t_ieee_f32le() : fa_h5t_ieee_f64le()
    let dataset = H5Dcreate2(
      file, path, fileType, space, linkCreation, fa_h5p_default(), fa_h5p_default())
    guard dataset >= 0 else { throw .fromErrorStack(orElse: "H5Dcreate2 failed") }
    defer { H5Dclose(dataset) }
    guard tensor.count > 0 else { return }
    let status = tensor.withUnsafeBufferPointer { values in
      H5Dwrite(
        dataset, fa_h5t_native_float(), fa_h5s_all(), fa_h5s_all(), fa_h5p_default(),
        values.baseAddress)
    }
    guard status >= 0 else { throw .fromErrorStack(orElse: "H5Dwrite failed") }
  }

  /// Creates the float32 dataset at `path` (and missing groups above it) declaring `shape` but
  /// holding no data: chunked, its chunks never written, so any extent costs no space.
  static func createUnwrittenDataset(at path: String, shape: [UInt64], in file: HDF5ID)
    throws(HDF5Failure)
  {
    fa_h5_silence_errors()
    let linkCreation = try intermediateGroupCreation()
    defer { H5Pclose(linkCreation) }
    let space = H5Screate_simple(Int32(shape.count), shape.map { hsize_t($0) }, nil)
    guard space >= 0 else { throw .fromErrorStack(orElse: "cannot make a dataspace") }
    defer { H5Sclose(space) }
    let creation = fa_h5p_create_unit_chunks(Int32(shape.count))
    guard creation >= 0 else { throw .fromErrorStack(orElse: "cannot make a chunked layout") }
    defer { H5Pclose(creation) }
    let dataset = H5Dcreate2(
      file, path, fa_h5t_ieee_f32le(), space, linkCreation, creation, fa_h5p_default())
    guard dataset >= 0 else { throw .fromErrorStack(orElse: "H5Dcreate2 failed") }
    guard H5Dclose(dataset) >= 0 else { throw .fromErrorStack(orElse: "H5Dclose failed") }
  }

  /// Deletes attribute `name` of the object at `path` if it exists.
  static func deleteAttributeIfPresent(named name: String, at path: String, in file: HDF5ID)
    throws(HDF5Failure)
  {
    guard try HDF5Library.attributeExists(named: name, at: path, in: file) else { return }
    guard H5Adelete_by_name(file, path, name, fa_h5p_default()) >= 0 else {
      throw .fromErrorStack(orElse: "H5Adelete_by_name failed")
    }
  }

  /// Creates attribute `name` (which must not exist) on the object at `path` holding `values`:
  /// one scalar string when `isScalar`, else a 1-D array.
  static func createStringAttribute(
    named name: String, at path: String, values: [String], isScalar: Bool,
    type: HDF5StringType, in file: HDF5ID
  ) throws(HDF5Failure) {
    precondition(!isScalar || values.count == 1, "[HDF5] a scalar attribute holds one string")
    fa_h5_silence_errors()
    let copies = values.map { strdup($0) }
    defer { for copy in copies { free(copy) } }
    guard copies.allSatisfy({ $0 != nil }) else { throw HDF5Failure(reason: "out of memory") }
    let pointers = copies.map { UnsafePointer($0) }
    var reason = [CChar](repeating: 0, count: 512)
    let status = fa_h5_create_string_attribute(
      file, path, name, pointers, pointers.count, isScalar,
      type != .fixedLengthASCII, type == .variableLengthUTF8, &reason, reason.count)
    guard status == FA_H5_OK else { throw HDF5Failure(reasonBuffer: reason) }
  }

  /// Creates attribute `name` (which must not exist) on the object at `path` as a float64 array of
  /// shape `[0]`: what Keras 2.15 writes for the `weight_names` of a layer without weights.
  static func createEmptyFloat64Attribute(named name: String, at path: String, in file: HDF5ID)
    throws(HDF5Failure)
  {
    fa_h5_silence_errors()
    let space = try createDataspace(shape: [0])
    defer { H5Sclose(space) }
    let attribute = H5Acreate_by_name(
      file, path, name, fa_h5t_ieee_f64le(), space, fa_h5p_default(), fa_h5p_default(),
      fa_h5p_default())
    guard attribute >= 0 else { throw .fromErrorStack(orElse: "H5Acreate_by_name failed") }
    guard H5Aclose(attribute) >= 0 else { throw .fromErrorStack(orElse: "H5Aclose failed") }
  }

  // MARK: - Helpers

  /// A link-creation property list that creates missing intermediate groups; close with H5Pclose.
  private static func intermediateGroupCreation() throws(HDF5Failure) -> HDF5ID {
    let list = fa_h5p_create_intermediate_groups()
    guard list >= 0 else { throw .fromErrorStack(orElse: "cannot make a link-creation list") }
    return list
  }

  /// A scalar dataspace for `[]`, else a simple one with these extents; close with H5Sclose.
  private static func createDataspace(shape: [Int]) throws(HDF5Failure) -> HDF5ID {
    let extents = shape.map { hsize_t($0) }
    let space =
      shape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(shape.count), extents, nil)
    guard space >= 0 else { throw .fromErrorStack(orElse: "cannot make a dataspace") }
    return space
  }
}
