#ifndef FACEADVERSARY_HDF5_WRITING_H
#define FACEADVERSARY_HDF5_WRITING_H

#include <stdbool.h>
#include <stddef.h>
#include <hdf5/serial/hdf5.h>

/* The HDF5 helpers that only writing needs (FaceTestSupport's HDF5Writer); the ones reading
   shares with it are in CHDF5Shims. */

/* HDF5 values that are macros (H5open() side effects) and do not import into Swift. */
unsigned fa_h5f_acc_trunc(void);
hid_t fa_h5t_ieee_f32le(void);
hid_t fa_h5t_ieee_f64le(void);
/* A new link-creation property list that creates missing intermediate groups; close it with
   H5Pclose. Negative on failure. */
hid_t fa_h5p_create_intermediate_groups(void);
/* A new dataset-creation property list for a chunked layout of `rank` axes with chunks of one
   element, so a dataset of any declared extent takes no space until written; close it with
   H5Pclose. Negative on failure (or for a rank outside 1...32). */
hid_t fa_h5p_create_unit_chunks(int rank);

/* Creates attribute `name` on the object at `object_path` (relative to `location`) holding
   `count` strings: a scalar when `is_scalar` (count must be 1), else a 1-D array. Variable-length
   strings are NULLTERM; fixed-length ones are NULLPAD with the longest string's byte length (at
   least 1), as numpy's 'S' dtype. Character set UTF-8 or ASCII. The attribute must not exist yet.
   Returns FA_H5_OK, or FA_H5_FAILED (hdf5_shims.h) with the reason copied into `reason`. */
int fa_h5_create_string_attribute(hid_t location, const char *object_path, const char *name,
                                  const char *const *values, size_t count, bool is_scalar,
                                  bool is_variable_length, bool is_utf8, char *reason,
                                  size_t reason_size);

#endif
