// libjpeg-turbo decoding kept in C: error_exit must not return and Swift cannot setjmp, so the
// whole decode runs here behind a longjmp error handler and hands back pixels or a message.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>
#include <jerror.h>

/// Result of monk_jpeg_decode. On success `pixels` is malloc'ed (caller frees) and holds
/// height rows of width*channels bytes; channels is 1 (grayscale) or 3 (RGB; CMYK and YCCK are
/// converted to RGB here). full_width/full_height are the stored size before DCT scaling.
typedef struct {
    unsigned char *pixels;
    int width, height, channels;
    int full_width, full_height;
    int progressive;
    char error[JMSG_LENGTH_MAX + 64];
} monk_jpeg_result;

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    int premature_eof;
} monk_jpeg_error_mgr;

static void monk_jpeg_error_exit(j_common_ptr cinfo) {
    monk_jpeg_error_mgr *err = (monk_jpeg_error_mgr *)cinfo->err;
    longjmp(err->jump, 1);
}

// Warnings are not printed. A truncated file only raises the JWRN_JPEG_EOF warning (the rest
// of the image is filled with gray); we count it so the caller reports the file as truncated.
static void monk_jpeg_emit_message(j_common_ptr cinfo, int level) {
    monk_jpeg_error_mgr *err = (monk_jpeg_error_mgr *)cinfo->err;
    if (level < 0) {
        err->base.num_warnings++;
        if (err->base.msg_code == JWRN_JPEG_EOF) err->premature_eof = 1;
    }
}

// round(a * b / 255) without a division, as Pillow computes it (exact for 0...255 inputs).
static inline int monk_muldiv255(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
}

static void monk_jpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

/// Decodes a JPEG held in memory. `target_width/height` > 0 let libjpeg-turbo scale by 1/2,
/// 1/4 or 1/8 in the DCT domain while the result stays at least that large; 0 decodes full
/// size. Returns 0 on success, -1 with `error` set otherwise.
static inline int monk_jpeg_decode(const unsigned char *data, unsigned long size,
                                   int target_width, int target_height,
                                   monk_jpeg_result *result) {
    struct jpeg_decompress_struct cinfo;
    monk_jpeg_error_mgr jerr;
    unsigned char *volatile pixels = NULL;
    unsigned char *volatile cmyk_row = NULL;
    memset(result, 0, sizeof(*result));
    cinfo.err = jpeg_std_error(&jerr.base);
    jerr.base.error_exit = monk_jpeg_error_exit;
    jerr.base.emit_message = monk_jpeg_emit_message;
    jerr.base.output_message = monk_jpeg_output_message;
    jerr.premature_eof = 0;
    if (setjmp(jerr.jump)) {
        char buffer[JMSG_LENGTH_MAX];
        (*cinfo.err->format_message)((j_common_ptr)&cinfo, buffer);
        snprintf(result->error, sizeof(result->error), "%s", buffer);
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(cmyk_row);
        return -1;
    }
    jpeg_CreateDecompress(&cinfo, JPEG_LIB_VERSION, sizeof(cinfo));
    jpeg_mem_src(&cinfo, data, size);
    jpeg_read_header(&cinfo, TRUE);
    result->full_width = (int)cinfo.image_width;
    result->full_height = (int)cinfo.image_height;
    result->progressive = cinfo.progressive_mode ? 1 : 0;

    int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    if (cinfo.jpeg_color_space == JCS_GRAYSCALE) cinfo.out_color_space = JCS_GRAYSCALE;
    else if (cmyk) cinfo.out_color_space = JCS_CMYK;
    else cinfo.out_color_space = JCS_RGB;

    if (target_width > 0 && target_height > 0) {
        unsigned int denom = 8;
        while (denom > 1 && ((cinfo.image_width + denom - 1) / denom < (unsigned)target_width ||
                             (cinfo.image_height + denom - 1) / denom < (unsigned)target_height))
            denom /= 2;
        cinfo.scale_num = 1;
        cinfo.scale_denom = denom;
    }
    jpeg_start_decompress(&cinfo);
    int w = (int)cinfo.output_width, h = (int)cinfo.output_height;
    int channels = cmyk ? 3 : cinfo.output_components;
    pixels = (unsigned char *)malloc((size_t)w * h * channels);
    if (cmyk) cmyk_row = (unsigned char *)malloc((size_t)w * 4);
    if (!pixels || (cmyk && !cmyk_row)) {
        snprintf(result->error, sizeof(result->error), "out of memory for %dx%d pixels", w, h);
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(cmyk_row);
        return -1;
    }
    // Adobe applications store CMYK inverted (and say so with an APP14 marker).
    int inverted = cinfo.saw_Adobe_marker;
    while (cinfo.output_scanline < cinfo.output_height) {
        int y = (int)cinfo.output_scanline;
        if (cmyk) {
            JSAMPROW row = cmyk_row;
            jpeg_read_scanlines(&cinfo, &row, 1);
            unsigned char *out = pixels + (size_t)y * w * 3;
            for (int x = 0; x < w; x++) {
                const unsigned char *p = cmyk_row + 4 * x;
                // ink amounts C, M, Y and the remaining light nk = 255 - K
                int nk = inverted ? p[3] : 255 - p[3];
                for (int i = 0; i < 3; i++) {
                    int ink = inverted ? 255 - p[i] : p[i];
                    out[3 * x + i] = (unsigned char)(nk - monk_muldiv255(ink, nk));
                }
            }
        } else {
            JSAMPROW row = pixels + (size_t)y * w * channels;
            jpeg_read_scanlines(&cinfo, &row, 1);
        }
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    if (jerr.premature_eof) {
        snprintf(result->error, sizeof(result->error), "truncated: premature end of JPEG data");
        free(pixels);
        free(cmyk_row);
        return -1;
    }
    free(cmyk_row);
    result->pixels = pixels;
    result->width = w;
    result->height = h;
    result->channels = channels;
    return 0;
}

/// Encodes width×height pixels (channels 1 = gray or 3 = RGB, rows packed) as a JPEG at
/// `quality` (1–100) in memory, then decodes it into `out` (same size and channels): the
/// damage another archive's compression does. Returns 0, or -1 with `error` set.
static inline int monk_jpeg_round_trip(const unsigned char *pixels, int width, int height, int channels,
                                       int quality, unsigned char *out, char *error, int error_size) {
    struct jpeg_compress_struct cinfo;
    monk_jpeg_error_mgr jerr;
    unsigned char *volatile encoded = NULL;
    unsigned long encoded_size = 0;
    cinfo.err = jpeg_std_error(&jerr.base);
    jerr.base.error_exit = monk_jpeg_error_exit;
    jerr.base.emit_message = monk_jpeg_emit_message;
    jerr.base.output_message = monk_jpeg_output_message;
    jerr.premature_eof = 0;
    if (setjmp(jerr.jump)) {
        char buffer[JMSG_LENGTH_MAX];
        (*cinfo.err->format_message)((j_common_ptr)&cinfo, buffer);
        snprintf(error, (size_t)error_size, "%s", buffer);
        jpeg_destroy_compress(&cinfo);
        free(encoded);
        return -1;
    }
    jpeg_CreateCompress(&cinfo, JPEG_LIB_VERSION, sizeof(cinfo));
    unsigned char *buffer = NULL;
    jpeg_mem_dest(&cinfo, &buffer, &encoded_size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * width * channels);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    encoded = buffer;
    jpeg_destroy_compress(&cinfo);

    monk_jpeg_result decoded;
    int status = monk_jpeg_decode(encoded, encoded_size, 0, 0, &decoded);
    free(encoded);
    if (status != 0) { snprintf(error, (size_t)error_size, "%s", decoded.error); return -1; }
    if (decoded.width != width || decoded.height != height || decoded.channels != channels) {
        snprintf(error, (size_t)error_size, "decoded %dx%dx%d from a %dx%dx%d image", decoded.width, decoded.height,
                 decoded.channels, width, height, channels);
        free(decoded.pixels);
        return -1;
    }
    memcpy(out, decoded.pixels, (size_t)width * height * channels);
    free(decoded.pixels);
    return 0;
}
