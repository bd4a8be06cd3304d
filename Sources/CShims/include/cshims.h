#ifndef FACEADVERSARY_CSHIMS_H
#define FACEADVERSARY_CSHIMS_H

#include <hdf5/serial/hdf5.h>
#include "image_shims.h"

/* HDF5 values that are macros (H5open() side effects or casts) and do not import into Swift. */
unsigned fa_h5f_acc_rdonly(void);
unsigned fa_h5f_acc_trunc(void);
hid_t fa_h5t_native_float(void);
hid_t fa_h5t_native_double(void);
hid_t fa_h5t_c_s1(void);
hid_t fa_h5p_default(void);
/* Turns off HDF5's automatic error printing to stderr (errors are reported as Swift errors). */
void fa_h5_silence_errors(void);

#endif
