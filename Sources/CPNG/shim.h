// libpng decoding kept in C: libpng reports errors by longjmp, which Swift cannot catch, so the
// whole read runs here and hands back 8-bit gray or RGB pixels, or a message.
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <setjmp.h>
#include <png.h>

/// Result of monk_png_decode. On success `pixels` is malloc'ed (caller frees) and holds height
/// rows of width*channels bytes; channels is 1 (gray, gray+alpha) or 3 (RGB, RGBA, palette).
/// Alpha is dropped (not composited), 16-bit samples are rounded to 8 bits (v*255/65535), and
/// no gamma correction is applied: the stored sample values are what a network sees.
/// `too_many_pixels` is set when the declared size alone was refused (width/height hold it).
typedef struct {
    unsigned char *pixels;
    int width, height, channels;
    int bit_depth, color_type;
    int too_many_pixels;
    char error[256];
} monk_png_result;

/// Where the decode is: warnings mean different things before and while reading pixels.
typedef struct {
    char *error;
    int reading_pixels;
    /// The first warning that says the pixels or a checksum are damaged, or empty.
    char damaged[256];
} monk_png_messages;

typedef struct {
    const unsigned char *data;
    size_t size, offset;
} monk_png_source;

static void monk_png_read(png_structp png, png_bytep out, png_size_t count) {
    monk_png_source *src = (monk_png_source *)png_get_io_ptr(png);
    if (src->offset + count > src->size) png_error(png, "truncated: premature end of PNG data");
    memcpy(out, src->data + src->offset, count);
    src->offset += count;
}

static void monk_png_error(png_structp png, png_const_charp message) {
    monk_png_messages *messages = (monk_png_messages *)png_get_error_ptr(png);
    snprintf(messages->error, 256, "%s", message);
    png_longjmp(png, 1);
}

// libpng reports some damage only as a warning and carries on: too much image data while
// reading pixels, and a CRC error in an ancillary chunk (a flipped byte in the file). Those
// make the decode fail; warnings about metadata monkpipe ignores (an odd iCCP profile) do not.
static void monk_png_warning(png_structp png, png_const_charp message) {
    monk_png_messages *messages = (monk_png_messages *)png_get_error_ptr(png);
    if (messages->damaged[0]) return;
    if (messages->reading_pixels || strstr(message, "CRC error"))
        snprintf(messages->damaged, sizeof(messages->damaged), "%s", message);
}

/// Decodes a PNG held in memory. A file whose header declares more than `max_pixels` pixels
/// is refused before any pixel memory is reserved. Returns 0 on success, -1 with `error` set
/// otherwise.
static inline int monk_png_decode(const unsigned char *data, size_t size, unsigned long long max_pixels,
                                  monk_png_result *result) {
    memset(result, 0, sizeof(*result));
    if (size < 8 || png_sig_cmp((png_const_bytep)data, 0, 8) != 0) {
        snprintf(result->error, sizeof(result->error), "not a PNG signature");
        return -1;
    }
    monk_png_messages messages = { result->error, 0, { 0 } };
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &messages,
                                             monk_png_error, monk_png_warning);
    if (!png) { snprintf(result->error, sizeof(result->error), "libpng init failed"); return -1; }
    png_infop info = png_create_info_struct(png);
    unsigned char *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    monk_png_source src = { data, size, 0 };
    if (!info || setjmp(png_jmpbuf(png))) {
        if (!result->error[0]) snprintf(result->error, sizeof(result->error), "libpng error");
        png_destroy_read_struct(&png, info ? &info : NULL, NULL);
        free(pixels);
        free(rows);
        return -1;
    }
    png_set_read_fn(png, &src, monk_png_read);
    png_read_info(png, info);
    png_uint_32 declared_width = png_get_image_width(png, info), declared_height = png_get_image_height(png, info);
    if ((unsigned long long)declared_width * declared_height > max_pixels) {
        result->too_many_pixels = 1;
        result->width = (int)declared_width;
        result->height = (int)declared_height;
        snprintf(result->error, sizeof(result->error), "declares %ux%u pixels", declared_width, declared_height);
        png_destroy_read_struct(&png, &info, NULL);
        return -1;
    }
    int color_type = png_get_color_type(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    result->bit_depth = bit_depth;
    result->color_type = color_type;
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (bit_depth == 16) png_set_scale_16(png);
    png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int w = (int)png_get_image_width(png, info), h = (int)png_get_image_height(png, info);
    int channels = png_get_channels(png, info);
    if (channels != 1 && channels != 3) png_error(png, "unexpected channel count after conversion");
    size_t stride = png_get_rowbytes(png, info);
    pixels = (unsigned char *)malloc(stride * (size_t)h);
    rows = (png_bytep *)malloc(sizeof(png_bytep) * (size_t)h);
    if (!pixels || !rows) png_error(png, "out of memory");
    for (int y = 0; y < h; y++) rows[y] = pixels + stride * (size_t)y;
    messages.reading_pixels = 1;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    if (messages.damaged[0]) png_error(png, messages.damaged);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    result->pixels = pixels;
    result->width = w;
    result->height = h;
    result->channels = channels;
    return 0;
}
