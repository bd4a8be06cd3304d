#include <stdlib.h>
#include <string.h>
#include <hdf5/serial/hdf5.h>
#include "hdf5_shims.h"

void fa_h5_free_strings(char **strings, size_t count) {
  if (strings == NULL) return;
  for (size_t i = 0; i < count; i++) free(strings[i]);
  free(strings);
}

/* Reads `count` variable-length strings; a NULL element (an empty string written by some tools)
   becomes "". */
static int fa_read_variable_strings(hid_t attribute, hid_t memory_type, hid_t space, char **out,
                                    size_t count, char *reason, size_t reason_size) {
  char **raw = calloc(count, sizeof(char *));
  if (raw == NULL) {
    fa_h5_copy_reason(reason, reason_size, "out of memory");
    return FA_H5_FAILED;
  }
  if (H5Aread(attribute, memory_type, raw) < 0) {
    fa_h5_copy_reason_from_stack(reason, reason_size, "H5Aread failed");
    /* Releases whatever strings a failed read left in `raw` (libhdf5 1.10.8 leaves none: those
       it converted before failing are lost inside it; Fuzz/Known/libhdf5_leaks.c). */
    H5Dvlen_reclaim(memory_type, space, H5P_DEFAULT, raw);
    free(raw);
    return FA_H5_FAILED;
  }
  int result = FA_H5_OK;
  for (size_t i = 0; i < count; i++) {
    out[i] = strdup(raw[i] != NULL ? raw[i] : "");
    if (out[i] == NULL) result = FA_H5_FAILED;
  }
  H5Dvlen_reclaim(memory_type, space, H5P_DEFAULT, raw);
  free(raw);
  if (result != FA_H5_OK) fa_h5_copy_reason(reason, reason_size, "out of memory");
  return result;
}

/* Reads `count` fixed-length strings of `size` bytes, letting HDF5 convert any padding (NULLPAD,
   NULLTERM, SPACEPAD) to NUL-terminated strings of size + 1 bytes. */
static int fa_read_fixed_strings(hid_t attribute, hid_t memory_type, size_t size, char **out,
                                 size_t count, char *reason, size_t reason_size) {
  size_t stride = size + 1;
  if (H5Tset_size(memory_type, stride) < 0 || H5Tset_strpad(memory_type, H5T_STR_NULLTERM) < 0) {
    fa_h5_copy_reason_from_stack(reason, reason_size, "cannot make the string memory type");
    return FA_H5_FAILED;
  }
  char *raw = calloc(count, stride);
  if (raw == NULL) {
    fa_h5_copy_reason(reason, reason_size, "out of memory");
    return FA_H5_FAILED;
  }
  if (H5Aread(attribute, memory_type, raw) < 0) {
    fa_h5_copy_reason_from_stack(reason, reason_size, "H5Aread failed");
    free(raw);
    return FA_H5_FAILED;
  }
  int result = FA_H5_OK;
  for (size_t i = 0; i < count; i++) {
    out[i] = strndup(raw + i * stride, size);
    if (out[i] == NULL) result = FA_H5_FAILED;
  }
  free(raw);
  if (result != FA_H5_OK) fa_h5_copy_reason(reason, reason_size, "out of memory");
  return result;
}

int fa_h5_read_string_attribute(hid_t attribute, char ***strings, size_t *count, char *reason,
                                size_t reason_size) {
  *strings = NULL;
  *count = 0;
  hid_t file_type = H5Aget_type(attribute);
  if (file_type < 0) {
    fa_h5_copy_reason_from_stack(reason, reason_size, "H5Aget_type failed");
    return FA_H5_FAILED;
  }
  if (H5Tget_class(file_type) != H5T_STRING) {
    H5Tclose(file_type);
    return FA_H5_NOT_A_STRING;
  }
  hid_t space = H5Aget_space(attribute);
  hssize_t points = space < 0 ? -1 : H5Sget_simple_extent_npoints(space);
  htri_t is_variable = H5Tis_variable_str(file_type);
  H5T_cset_t character_set = H5Tget_cset(file_type);
  size_t size = H5Tget_size(file_type);
  /* The memory type must carry the file's character set: HDF5 does not convert between them. */
  hid_t memory_type = H5Tcopy(H5T_C_S1);
  if (points < 0 || is_variable < 0 || character_set < 0 || size == 0 || memory_type < 0 ||
      H5Tset_cset(memory_type, character_set) < 0 ||
      (is_variable > 0 && H5Tset_size(memory_type, H5T_VARIABLE) < 0)) {
    fa_h5_copy_reason_from_stack(reason, reason_size, "cannot inspect the string datatype");
    if (memory_type >= 0) H5Tclose(memory_type);
    if (space >= 0) H5Sclose(space);
    H5Tclose(file_type);
    return FA_H5_FAILED;
  }
  size_t n = (size_t)points;
  char **out = calloc(n > 0 ? n : 1, sizeof(char *));
  int result = FA_H5_OK;
  if (out == NULL) {
    fa_h5_copy_reason(reason, reason_size, "out of memory");
    result = FA_H5_FAILED;
  } else if (n > 0) {
    result = is_variable > 0
                 ? fa_read_variable_strings(attribute, memory_type, space, out, n, reason,
                                            reason_size)
                 : fa_read_fixed_strings(attribute, memory_type, size, out, n, reason,
                                         reason_size);
  }
  H5Tclose(memory_type);
  H5Sclose(space);
  H5Tclose(file_type);
  if (result != FA_H5_OK) {
    fa_h5_free_strings(out, n);
    return result;
  }
  *strings = out;
  *count = n;
  return FA_H5_OK;
}
