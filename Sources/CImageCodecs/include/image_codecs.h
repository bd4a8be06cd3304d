#ifndef FACEADVERSARY_IMAGE_CODECS_H
#define FACEADVERSARY_IMAGE_CODECS_H

#include <stddef.h>
#include <stdint.h>

/* PNG and JPEG decoding and encoding for FaceTensor's image I/O. libpng's and libjpeg's errors
 * longjmp; every setjmp lives in these C functions, so no longjmp ever crosses Swift frames.
 * Decoding is two-step: `open` reads only the header (so the caller can refuse a huge declared
 * size before allocating anything), `read_rgb` decodes into a caller-provided buffer of
 * width * height * 3 bytes (8-bit RGB, rows top to bottom). Messages are NUL-terminated and
 * written into `message` (at most `message_capacity` bytes including the NUL). */

typedef enum {
  FA_IMAGE_OK = 0,
  FA_IMAGE_TRUNCATED = 1,   /* the data ends before the image is complete */
  FA_IMAGE_CORRUPT = 2,     /* the library rejected the data; `message` says why */
  FA_IMAGE_UNSUPPORTED = 3, /* valid, but a variant this decoder does not handle */
  FA_IMAGE_FAILED = 4       /* anything else (out of memory, encoder failure) */
} fa_image_status;

/* PNG. Pixels are converted as Pillow's `convert('RGB')` does for 8-bit data: alpha and tRNS are
 * dropped, gray is replicated, palettes are expanded; 16-bit samples of every kind are scaled to
 * 8 bits with rounding, round(v * 255 / 65535) (libpng's png_set_scale_16). */
typedef struct fa_png_reader fa_png_reader;
fa_image_status fa_png_reader_open(const unsigned char *data, size_t size, fa_png_reader **reader,
                                   uint32_t *width, uint32_t *height, char *message,
                                   size_t message_capacity);
fa_image_status fa_png_reader_read_rgb(fa_png_reader *reader, unsigned char *rgb, char *message,
                                       size_t message_capacity);
void fa_png_reader_close(fa_png_reader *reader);

/* JPEG. Gray is replicated; CMYK and YCCK are always read with Adobe (inverted) polarity and
 * converted as Pillow's `convert('RGB')`. Any libjpeg warning (premature end of data, corrupt
 * entropy data) but "extraneous bytes before marker" makes `read_rgb` fail: FA_IMAGE_TRUNCATED
 * if the data ended early, else FA_IMAGE_CORRUPT with the first warning. An inconsistent
 * progression, and a file of more than 500 scans, fail at once with FA_IMAGE_CORRUPT. `orientation` is the EXIF orientation (1-8) of the
 * first Exif APP1 segment, 1 if there is none; it is reported, not applied. */
typedef struct fa_jpeg_reader fa_jpeg_reader;
fa_image_status fa_jpeg_reader_open(const unsigned char *data, size_t size,
                                    fa_jpeg_reader **reader, uint32_t *width, uint32_t *height,
                                    int *orientation, char *message, size_t message_capacity);
fa_image_status fa_jpeg_reader_read_rgb(fa_jpeg_reader *reader, unsigned char *rgb,
                                        char *message, size_t message_capacity);
void fa_jpeg_reader_close(fa_jpeg_reader *reader);

/* Encoders: `rgb` holds width * height * 3 bytes. On success `*output` is a malloc'd buffer of
 * `*output_size` bytes, to be released with `fa_image_buffer_free`. */
fa_image_status fa_png_encode_rgb(const unsigned char *rgb, uint32_t width, uint32_t height,
                                  unsigned char **output, size_t *output_size, char *message,
                                  size_t message_capacity);
fa_image_status fa_jpeg_encode_rgb(const unsigned char *rgb, uint32_t width, uint32_t height,
                                   int quality, unsigned char **output, size_t *output_size,
                                   char *message, size_t message_capacity);
void fa_image_buffer_free(unsigned char *buffer);

#endif
