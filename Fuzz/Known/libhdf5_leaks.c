// Shows libhdf5's own leaks on the damaged files kept here, with no code of this project:
//   gunzip -k fuzz-keras-h5.object-header-leak.h5.gz fuzz-keras-h5.vlen-conversion-leak.h5.gz
//   clang -fsanitize=address libhdf5_leaks.c -I/usr/include/hdf5/serial \
//     -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5 -o libhdf5_leaks
//   ASAN_OPTIONS=fast_unwind_on_malloc=0 ./libhdf5_leaks FILE.h5
// It opens every object below the root with H5Oopen and reads every variable-length string
// attribute, releasing everything it gets (H5Dvlen_reclaim even after a failed read; H5Oclose).
// LeakSanitizer still reports what libhdf5 itself lost: 424 bytes under H5O_protect for an object
// whose header is damaged, and the strings H5T__conv_vlen had converted when a read failed (none
// of them reach the caller's buffer).
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>

static herr_t read_attribute(hid_t location, const char *name, const H5A_info_t *info, void *data) {
  (void)info;
  (void)data;
  hid_t attribute = H5Aopen(location, name, H5P_DEFAULT);
  if (attribute < 0) return 0;
  hid_t file_type = H5Aget_type(attribute);
  if (file_type >= 0 && H5Tget_class(file_type) == H5T_STRING && H5Tis_variable_str(file_type) > 0) {
    hid_t space = H5Aget_space(attribute);
    hssize_t count = H5Sget_simple_extent_npoints(space);
    hid_t memory_type = H5Tcopy(H5T_C_S1);
    H5Tset_cset(memory_type, H5Tget_cset(file_type));
    H5Tset_size(memory_type, H5T_VARIABLE);
    char **strings = calloc(count > 0 ? (size_t)count : 1, sizeof(char *));
    if (H5Aread(attribute, memory_type, strings) < 0) {
      size_t received = 0;
      for (hssize_t i = 0; i < count; i++) received += strings[i] != NULL;
      fprintf(stderr, "H5Aread(%s) failed; %zu of %lld strings reached the buffer\n", name,
              received, (long long)count);
    }
    H5Dvlen_reclaim(memory_type, space, H5P_DEFAULT, strings);
    free(strings);
    H5Tclose(memory_type);
    H5Sclose(space);
  }
  if (file_type >= 0) H5Tclose(file_type);
  H5Aclose(attribute);
  return 0;
}

static herr_t open_each(hid_t group, const char *name, const H5L_info_t *info, void *data) {
  (void)info;
  (void)data;
  hid_t object = H5Oopen(group, name, H5P_DEFAULT);
  if (object < 0) {
    fprintf(stderr, "H5Oopen(%s) failed\n", name);
    return 0;
  }
  H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, NULL, read_attribute, NULL);
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
  H5Aiterate2(file, H5_INDEX_NAME, H5_ITER_INC, NULL, read_attribute, NULL);
  H5Literate(file, H5_INDEX_NAME, H5_ITER_INC, NULL, open_each, NULL);
  H5Fclose(file);
  H5close();
  return 0;
}
