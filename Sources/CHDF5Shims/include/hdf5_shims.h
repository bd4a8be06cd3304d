#ifndef FACEADVERSARY_HDF5_SHIMS_H
#define FACEADVERSARY_HDF5_SHIMS_H

#include <stddef.h>
#include <hdf5/serial/hdf5.h>

/* HDF5 values that are macros (H5open() side effects or casts) and do not import into Swift. */
unsigned fa_h5f_acc_rdonly(void);
hid_t fa_h5t_native_float(void);
hid_t fa_h5t_native_double(void);
hid_t fa_h5t_c_s1(void);
hid_t fa_h5p_default(void);
hid_t fa_h5s_all(void);
/* Turns off HDF5's automatic error printing to stderr for the calling thread (HDF5 built
   thread-safe keeps one error stack, with its printing setting, per thread). */
void fa_h5_silence_errors(void);

/* Copies the most specific message of the calling thread's HDF5 error stack into `buffer`
   (truncated, NUL-terminated); returns its length, 0 when the stack is empty. */
size_t fa_h5_copy_innermost_error(char *buffer, size_t size);
/* Copies `message` into `reason` (truncated, NUL-terminated). */
void fa_h5_copy_reason(char *reason, size_t reason_size, const char *message);
/* Copies the innermost HDF5 error, or `fallback` when the stack is empty, into `reason`; call it
   before any cleanup call clears the stack. */
void fa_h5_copy_reason_from_stack(char *reason, size_t reason_size, const char *fallback);

/* Result codes of the string-attribute functions (here and in CHDF5Writing). */
#define FA_H5_OK 0
#define FA_H5_FAILED (-1)
#define FA_H5_NOT_A_STRING 1

/* Reads every element (row-major, any rank; a scalar gives one) of a string attribute,
   fixed-length with any padding or variable-length, as NUL-terminated copies.
   FA_H5_OK: `*strings` holds `*count` malloc'd strings; release them with fa_h5_free_strings.
   FA_H5_NOT_A_STRING: the datatype is not a string; nothing is allocated.
   FA_H5_FAILED: the reason is copied into `reason`. */
int fa_h5_read_string_attribute(hid_t attribute, char ***strings, size_t *count, char *reason,
                                size_t reason_size);
void fa_h5_free_strings(char **strings, size_t count);

#endif
