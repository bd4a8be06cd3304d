// Shows libhdf5's own leak on a damaged object header, with no code of this project:
//   gunzip -k fuzz-keras-h5.object-header-leak.h5.gz
//   clang -fsanitize=address h5oopen_leak.c -I/usr/include/hdf5/serial \
//     -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5 -o h5oopen_leak
//   ASAN_OPTIONS=fast_unwind_on_malloc=0 ./h5oopen_leak fuzz-keras-h5.object-header-leak.h5
// It opens every object below the root with H5Oopen and closes each one it got; LeakSanitizer
// then reports 424 bytes lost under H5Oopen -> H5O_protect for the object whose open fails.
#include <hdf5.h>
#include <stdio.h>

static herr_t open_each(hid_t group, const char *name, const H5L_info_t *info, void *data) {
  (void)info;
  (void)data;
  hid_t object = H5Oopen(group, name, H5P_DEFAULT);
  if (object < 0) {
    fprintf(stderr, "H5Oopen(%s) failed\n", name);
    return 0;
  }
  if (H5Iget_type(object) == H5I_GROUP)
    H5Literate(object, H5_INDEX_NAME, H5_ITER_INC, NULL, open_each, NULL);
  H5Oclose(object);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE.h5\n", argv[0]);
    return 64;
  }
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t file = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    fprintf(stderr, "%s: not an HDF5 file libhdf5 can open\n", argv[1]);
    return 2;
  }
  H5Literate(file, H5_INDEX_NAME, H5_ITER_INC, NULL, open_each, NULL);
  H5Fclose(file);
  H5close();
  return 0;
}
