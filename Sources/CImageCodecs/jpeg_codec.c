/* JPEG decoding and encoding with libjpeg(-turbo) (see image_codecs.h). libjpeg's default
 * error_exit calls exit(), so both directions install an error manager whose error_exit
 * longjmps back into the C function that called libjpeg. The state that outlives a longjmp is
 * kept on the heap, reached through a pointer that does not change after setjmp. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#include "image_codecs.h"

/* The most scans a JPEG may have, as libjpeg-turbo's own fuzzers allow: a progressive file
 * needs about 10, and each scan of a crafted file can cost a pass over every coefficient. */
#define FA_JPEG_MAX_SCANS 500

static void copy_message(char *message, size_t capacity, const char *text) {
  if (message != NULL && capacity > 0) snprintf(message, capacity, "%s", text);
}

/* MARK: - Error handling */

struct fa_jpeg_errors {
  struct jpeg_error_mgr manager; /* first, so libjpeg's `err` pointer is this struct */
  jmp_buf jump;
  int error_code;                /* libjpeg's message code of the fatal error */
  int ran_out;                   /* libjpeg warned "Premature end of JPEG file" */
  char error[JMSG_LENGTH_MAX];
  char first_warning[JMSG_LENGTH_MAX];
};

static void on_error(j_common_ptr common) {
  struct fa_jpeg_errors *errors = (struct fa_jpeg_errors *)common->err;
  errors->error_code = common->err->msg_code;
  common->err->format_message(common, errors->error);
  longjmp(errors->jump, 1);
}

/* Counts warnings as libjpeg's default does (the caller checks `num_warnings`), remembers the
 * first one, and prints nothing. Levels >= 0 are trace messages. Two warnings are special:
 * "extraneous bytes before marker" is not counted (real photos have it, and libjpeg skips the
 * bytes), and an inconsistent progression is a fatal error at once, so a crafted progressive
 * file is refused before its other scans are decoded. */
static void on_message(j_common_ptr common, int level) {
  if (level >= 0) return;
  struct fa_jpeg_errors *errors = (struct fa_jpeg_errors *)common->err;
  if (common->err->msg_code == JWRN_EXTRANEOUS_DATA) return;
  if (common->err->msg_code == JWRN_BOGUS_PROGRESSION) on_error(common);
  if (common->err->msg_code == JWRN_JPEG_EOF) errors->ran_out = 1;
  if (common->err->num_warnings == 0) common->err->format_message(common, errors->first_warning);
  common->err->num_warnings++;
}

static void print_nothing(j_common_ptr common) { (void)common; }

static void install_errors(struct fa_jpeg_errors *errors) {
  jpeg_std_error(&errors->manager);
  errors->manager.error_exit = on_error;
  errors->manager.emit_message = on_message;
  errors->manager.output_message = print_nothing;
}

static int is_unsupported_variant(int code) {
  return code == JERR_BAD_PRECISION || code == JERR_NOT_COMPILED || code == JERR_ARITH_NOTIMPL ||
         code == JERR_CONVERSION_NOTIMPL || code == JERR_SOF_UNSUPPORTED;
}

/* MARK: - EXIF orientation */

static unsigned tiff_u16(const JOCTET *bytes, int little_endian) {
  return little_endian ? (unsigned)bytes[0] | ((unsigned)bytes[1] << 8)
                       : ((unsigned)bytes[0] << 8) | (unsigned)bytes[1];
}

static unsigned long tiff_u32(const JOCTET *bytes, int little_endian) {
  unsigned long low = tiff_u16(bytes + (little_endian ? 0 : 2), little_endian);
  unsigned long high = tiff_u16(bytes + (little_endian ? 2 : 0), little_endian);
  return (high << 16) | low;
}

/* The Orientation tag (0x0112) of IFD0 of a TIFF structure, or 1 when absent or invalid. */
static int tiff_orientation(const JOCTET *tiff, size_t size) {
  if (size < 8) return 1;
  int little_endian;
  if (tiff[0] == 'I' && tiff[1] == 'I') little_endian = 1;
  else if (tiff[0] == 'M' && tiff[1] == 'M') little_endian = 0;
  else return 1;
  if (tiff_u16(tiff + 2, little_endian) != 42) return 1;
  unsigned long ifd = tiff_u32(tiff + 4, little_endian);
  if (ifd > size - 2) return 1;
  unsigned count = tiff_u16(tiff + ifd, little_endian);
  for (unsigned i = 0; i < count; i++) {
    unsigned long entry = ifd + 2 + 12UL * i;
    if (entry + 12 > size) break;
    if (tiff_u16(tiff + entry, little_endian) != 0x0112) continue;
    unsigned type = tiff_u16(tiff + entry + 2, little_endian);
    unsigned long value;
    if (type == 3) value = tiff_u16(tiff + entry + 8, little_endian);       /* SHORT */
    else if (type == 4) value = tiff_u32(tiff + entry + 8, little_endian);  /* LONG */
    else return 1;
    return value >= 1 && value <= 8 ? (int)value : 1;
  }
  return 1;
}

/* The orientation in the first APP1 segment that starts with "Exif\0\0" (as Pillow reads it). */
static int exif_orientation(j_decompress_ptr info) {
  for (jpeg_saved_marker_ptr marker = info->marker_list; marker != NULL; marker = marker->next) {
    if (marker->marker != JPEG_APP0 + 1 || marker->data_length < 6 ||
        memcmp(marker->data, "Exif\0\0", 6) != 0)
      continue;
    return tiff_orientation(marker->data + 6, marker->data_length - 6);
  }
  return 1;
}

/* MARK: - Reading */

struct fa_jpeg_reader {
  struct jpeg_decompress_struct info;
  struct fa_jpeg_errors errors;
  struct jpeg_progress_mgr progress;
  int created;
};

/* libjpeg calls the progress monitor before consuming each part of the input (and for a
 * multi-scan file, in the loop of jpeg_start_decompress that reads every scan): fail once the
 * file has more scans than any real photo. */
static void on_progress(j_common_ptr common) {
  j_decompress_ptr info = (j_decompress_ptr)common;
  if (info->input_scan_number <= FA_JPEG_MAX_SCANS) return;
  struct fa_jpeg_errors *errors = (struct fa_jpeg_errors *)common->err;
  errors->error_code = 0;
  snprintf(errors->error, sizeof errors->error, "more than %d scans (a real JPEG has at most a few "
           "dozen)", FA_JPEG_MAX_SCANS);
  longjmp(errors->jump, 1);
}

static fa_image_status read_failure(const fa_jpeg_reader *reader, char *message,
                                    size_t capacity) {
  const struct fa_jpeg_errors *errors = &reader->errors;
  if (errors->ran_out) {
    copy_message(message, capacity, "Premature end of JPEG file");
    return FA_IMAGE_TRUNCATED;
  }
  copy_message(message, capacity, errors->error);
  return is_unsupported_variant(errors->error_code) ? FA_IMAGE_UNSUPPORTED : FA_IMAGE_CORRUPT;
}

fa_image_status fa_jpeg_reader_open(const unsigned char *data, size_t size,
                                    fa_jpeg_reader **reader, uint32_t *width, uint32_t *height,
                                    int *orientation, char *message, size_t message_capacity) {
  *reader = NULL;
  fa_jpeg_reader *r = calloc(1, sizeof *r);
  if (r == NULL) {
    copy_message(message, message_capacity, "out of memory");
    return FA_IMAGE_FAILED;
  }
  *reader = r;
  r->info.err = &r->errors.manager;
  install_errors(&r->errors);
  if (setjmp(r->errors.jump)) return read_failure(r, message, message_capacity);
  jpeg_create_decompress(&r->info);
  r->created = 1;
  r->progress.progress_monitor = on_progress;
  r->info.progress = &r->progress;
  jpeg_mem_src(&r->info, data, (unsigned long)size);
  jpeg_save_markers(&r->info, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(&r->info, TRUE);
  if (r->info.jpeg_color_space == JCS_UNKNOWN) {
    snprintf(message, message_capacity, "%d-component JPEG with an unknown colour space",
             r->info.num_components);
    return FA_IMAGE_UNSUPPORTED;
  }
  *width = r->info.image_width;
  *height = r->info.image_height;
  *orientation = exif_orientation(&r->info);
  return FA_IMAGE_OK;
}

/* Pillow's CMYK -> RGB (Convert.c `cmyk2rgb`) after its "CMYK;I" unpacking, which inverts the
 * Adobe-polarity samples libjpeg returns: R = nk - nk * c / 255 (rounded), nk = 255 - k. */
static unsigned char cmyk_channel(unsigned char stored_ink, unsigned char stored_black) {
  int ink = 255 - stored_ink;
  int not_black = stored_black;
  int product = ink * not_black + 128;
  int value = not_black - (((product >> 8) + product) >> 8);
  return (unsigned char)(value < 0 ? 0 : value > 255 ? 255 : value);
}

fa_image_status fa_jpeg_reader_read_rgb(fa_jpeg_reader *reader, unsigned char *rgb,
                                        char *message, size_t message_capacity) {
  j_decompress_ptr info = &reader->info;
  unsigned char *volatile cmyk_row = NULL;
  if (setjmp(reader->errors.jump)) {
    free(cmyk_row);
    return read_failure(reader, message, message_capacity);
  }
  int cmyk = info->jpeg_color_space == JCS_CMYK || info->jpeg_color_space == JCS_YCCK;
  info->out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  jpeg_start_decompress(info);
  JDIMENSION width = info->output_width;
  if (cmyk) {
    cmyk_row = malloc((size_t)width * 4);
    if (cmyk_row == NULL) ERREXIT1(info, JERR_OUT_OF_MEMORY, 0);
  }
  while (info->output_scanline < info->output_height) {
    unsigned char *target = rgb + (size_t)info->output_scanline * width * 3;
    JSAMPROW row = cmyk ? cmyk_row : target;
    jpeg_read_scanlines(info, &row, 1);
    if (cmyk) {
      for (JDIMENSION x = 0; x < width; x++) {
        const unsigned char *pixel = cmyk_row + (size_t)x * 4;
        target[3 * x] = cmyk_channel(pixel[0], pixel[3]);
        target[3 * x + 1] = cmyk_channel(pixel[1], pixel[3]);
        target[3 * x + 2] = cmyk_channel(pixel[2], pixel[3]);
      }
    }
  }
  jpeg_finish_decompress(info);
  free(cmyk_row);
  if (reader->errors.manager.num_warnings > 0) {
    if (reader->errors.ran_out) {
      copy_message(message, message_capacity, "Premature end of JPEG file");
      return FA_IMAGE_TRUNCATED;
    }
    copy_message(message, message_capacity, reader->errors.first_warning);
    return FA_IMAGE_CORRUPT;
  }
  return FA_IMAGE_OK;
}

void fa_jpeg_reader_close(fa_jpeg_reader *reader) {
  if (reader == NULL) return;
  if (reader->created) jpeg_destroy_decompress(&reader->info);
  free(reader);
}

/* MARK: - Writing */

/* The compressor writes into a growing malloc'd buffer owned by the writer, so the buffer is valid
 * (and freed exactly once) whichever step fails. libjpeg's own jpeg_mem_dest frees its buffer
 * when it grows it but updates the caller's pointer only at the end, so an error in between would
 * leave the caller holding a freed pointer. */
struct fa_jpeg_writer {
  struct jpeg_compress_struct info; /* first, so a j_compress_ptr is the writer */
  struct fa_jpeg_errors errors;
  struct jpeg_destination_mgr destination;
  unsigned char *buffer;
  size_t capacity;
  size_t size;
};

static void start_buffer(j_compress_ptr info) {
  struct fa_jpeg_writer *writer = (struct fa_jpeg_writer *)info;
  writer->capacity = 65536;
  writer->buffer = malloc(writer->capacity);
  if (writer->buffer == NULL) ERREXIT1(info, JERR_OUT_OF_MEMORY, 0);
  writer->destination.next_output_byte = writer->buffer;
  writer->destination.free_in_buffer = writer->capacity;
}

/* Called when the whole buffer is full: doubles it. */
static boolean grow_buffer(j_compress_ptr info) {
  struct fa_jpeg_writer *writer = (struct fa_jpeg_writer *)info;
  size_t used = writer->capacity;
  if (used > SIZE_MAX / 2) ERREXIT1(info, JERR_OUT_OF_MEMORY, 0);
  unsigned char *grown = realloc(writer->buffer, used * 2);
  if (grown == NULL) ERREXIT1(info, JERR_OUT_OF_MEMORY, 0);
  writer->buffer = grown;
  writer->capacity = used * 2;
  writer->destination.next_output_byte = grown + used;
  writer->destination.free_in_buffer = writer->capacity - used;
  return TRUE;
}

static void finish_buffer(j_compress_ptr info) {
  struct fa_jpeg_writer *writer = (struct fa_jpeg_writer *)info;
  writer->size = writer->capacity - writer->destination.free_in_buffer;
}

fa_image_status fa_jpeg_encode_rgb(const unsigned char *rgb, uint32_t width, uint32_t height,
                                   int quality, unsigned char **output, size_t *output_size,
                                   char *message, size_t message_capacity) {
  *output = NULL;
  *output_size = 0;
  struct fa_jpeg_writer *writer = calloc(1, sizeof *writer);
  if (writer == NULL) {
    copy_message(message, message_capacity, "out of memory");
    return FA_IMAGE_FAILED;
  }
  writer->info.err = &writer->errors.manager;
  install_errors(&writer->errors);
  if (setjmp(writer->errors.jump)) {
    copy_message(message, message_capacity, writer->errors.error);
    jpeg_destroy_compress(&writer->info);
    free(writer->buffer);
    free(writer);
    return FA_IMAGE_FAILED;
  }
  jpeg_create_compress(&writer->info);
  writer->destination.init_destination = start_buffer;
  writer->destination.empty_output_buffer = grow_buffer;
  writer->destination.term_destination = finish_buffer;
  writer->info.dest = &writer->destination;
  writer->info.image_width = width;
  writer->info.image_height = height;
  writer->info.input_components = 3;
  writer->info.in_color_space = JCS_RGB;
  jpeg_set_defaults(&writer->info);
  jpeg_set_quality(&writer->info, quality, TRUE);
  jpeg_start_compress(&writer->info, TRUE);
  while (writer->info.next_scanline < writer->info.image_height) {
    JSAMPROW row = (JSAMPROW)(rgb + (size_t)writer->info.next_scanline * width * 3);
    jpeg_write_scanlines(&writer->info, &row, 1);
  }
  jpeg_finish_compress(&writer->info);
  jpeg_destroy_compress(&writer->info);
  *output = writer->buffer;
  *output_size = writer->size;
  free(writer);
  return FA_IMAGE_OK;
}
