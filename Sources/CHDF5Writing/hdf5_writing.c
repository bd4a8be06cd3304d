#include <stdlib.h>
#include <string.h>
#include <hdf5/serial/hdf5.h>
#include "hdf5_shims.h"
#include "hdf5_writing.h"

unsigned fa_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
hid_t fa_h5t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
hid_t fa_h5t_ieee_f64le(void) { return H5T_IEEE_F64LE; }

hid_t fa_h5p_create_intermediate_groups(void) {
  hid_t list = H5Pcreate(H5P_LINK_CREATE);
  if (list < 0) return list;
  if (H5Pset_create_intermediate_group(list, 1) < 0) {
    H5Pclose(list);
    return H5I_INVALID_HID;
  }
  return list;
}

hid_t fa_h5p_create_unit_chunks(int rank) {
  if (rank < 1 || rank > H5S_MAX_RANK) return H5I_INVALID_HID;
  hid_t list = H5Pcreate(H5P_DATASET_CREATE);
  if (list < 0) return list;
  hsize_t chunk[H5S_MAX_RANK];
  for (int i = 0; i < rank; i++) chunk[i] = 1;
  if (H5Pset_chunk(list, rank, chunk) < 0) {
    H5Pclose(list);
    return H5I_INVALID_HID;
  }
  return list;
}

/* Packs strings into `count` fixed-size slots of `size` bytes, NUL-padded (numpy 'S' layout). */
static char *fa_pack_fixed_strings(const char *const *values, size_t count, size_t size) {
  char *packed = calloc(count > 0 ? count : 1, size);
  if (packed == NULL) return NULL;
  for (size_t i = 0; i < count; i++) memcpy(packed + i * size, values[i], strlen(values[i]));
  return packed;
}

int fa_h5_create_string_attribute(hid_t location, const char *object_path, const char *name,
                                  const char *const *values, size_t count, bool is_scalar,
                                  bool is_variable_length, bool is_utf8, char *reason,
                                  size_t reason_size) {
  size_t longest = 1; /* HDF5 string types need at least one byte */
  for (size_t i = 0; i < count; i++) {
    size_t length = strlen(values[i]);
    if (length > longest) longest = length;
  }
  hsize_t extent = count;
  hid_t type = H5Tcopy(H5T_C_S1);
  hid_t space = is_scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &extent, NULL);
  char *packed = is_variable_length ? NULL : fa_pack_fixed_strings(values, count, longest);
  const void *buffer = is_variable_length ? (const void *)values : (const void *)packed;
  hid_t attribute = H5I_INVALID_HID;
  int result = FA_H5_FAILED;
  if (!is_variable_length && packed == NULL) {
    fa_h5_copy_reason(reason, reason_size, "out of memory");
  } else if (type < 0 || space < 0 ||
             H5Tset_size(type, is_variable_length ? H5T_VARIABLE : longest) < 0 ||
             H5Tset_strpad(type, is_variable_length ? H5T_STR_NULLTERM : H5T_STR_NULLPAD) < 0 ||
             H5Tset_cset(type, is_utf8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII) < 0) {
    fa_h5_copy_reason_from_stack(reason, reason_size, "cannot make the string datatype");
  } else if ((attribute = H5Acreate_by_name(location, object_path, name, type, space, H5P_DEFAULT,
                                            H5P_DEFAULT, H5P_DEFAULT)) < 0) {
    fa_h5_copy_reason_from_stack(reason, reason_size, "H5Acreate_by_name failed");
  } else if (count > 0 && H5Awrite(attribute, type, buffer) < 0) {
    fa_h5_copy_reason_from_stack(reason, reason_size, "H5Awrite failed");
  } else {
    result = FA_H5_OK;
  }
  if (attribute >= 0 && H5Aclose(attribute) < 0 && result == FA_H5_OK) {
    fa_h5_copy_reason_from_stack(reason, reason_size, "H5Aclose failed");
    result = FA_H5_FAILED;
  }
  free(packed);
  if (space >= 0) H5Sclose(space);
  if (type >= 0) H5Tclose(type);
  return result;
}
