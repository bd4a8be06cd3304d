#include <string.h>
#include <hdf5/serial/hdf5.h>
#include "hdf5_shims.h"

typedef struct {
  char *buffer;
  size_t size;
} fa_message_buffer;

/* H5Ewalk2 callback: with H5E_WALK_UPWARD the first entry (n == 0) is the most specific error. */
static herr_t fa_copy_first_description(unsigned n, const H5E_error2_t *error, void *data) {
  fa_message_buffer *target = data;
  if (n == 0 && error->desc != NULL) {
    strncpy(target->buffer, error->desc, target->size - 1);
    target->buffer[target->size - 1] = '\0';
  }
  return 0;
}

size_t fa_h5_copy_innermost_error(char *buffer, size_t size) {
  if (size == 0) return 0;
  buffer[0] = '\0';
  fa_message_buffer target = {buffer, size};
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, fa_copy_first_description, &target);
  return strlen(buffer);
}

void fa_h5_copy_reason(char *reason, size_t reason_size, const char *message) {
  if (reason_size == 0) return;
  strncpy(reason, message, reason_size - 1);
  reason[reason_size - 1] = '\0';
}

void fa_h5_copy_reason_from_stack(char *reason, size_t reason_size, const char *fallback) {
  if (fa_h5_copy_innermost_error(reason, reason_size) == 0) {
    fa_h5_copy_reason(reason, reason_size, fallback);
  }
}
