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
/// On failure `error` says why; `too_many_pixels` is set when the declared size alone was
/// refused (nothing was decoded) and `too_many_scans` when a progressive file had too many scans.
typedef struct {
    unsigned char *pixels;
    int width, height, channels;
    int full_width, full_height;
    int progressive;
    int too_many_pixels, too_many_scans;
    char error[JMSG_LENGTH_MAX + 64];
} monk_jpeg_result;

/// Real progressive JPEGs have about ten scans; each scan passes over the whole image, so a
/// small file of thousands of (empty) scans would keep the decoder busy for minutes.
#define MONK_JPEG_MAX_SCANS 500

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    int premature_eof;
    /// The first warning about damaged compressed data (formatted), or empty.
    char corrupt[JMSG_LENGTH_MAX];
} monk_jpeg_error_mgr;

typedef struct {
    struct jpeg_progress_mgr base;
    int too_many_scans;
} monk_jpeg_progress_mgr;

static void monk_jpeg_error_exit(j_common_ptr cinfo) {
    monk_jpeg_error_mgr *err = (monk_jpeg_error_mgr *)cinfo->err;
    longjmp(err->jump, 1);
}

// Warnings are not printed, but libjpeg reports damaged data only as warnings and carries on
// (a scan cut short decodes as flat gray): a truncated file raises JWRN_JPEG_EOF, and the
// other data warnings below mean the pixels are not what was stored. Both make the decode fail.
// Warnings about metadata monkpipe does not use (JFIF version, Adobe transform, ICC) do not.
static void monk_jpeg_emit_message(j_common_ptr cinfo, int level) {
    monk_jpeg_error_mgr *err = (monk_jpeg_error_mgr *)cinfo->err;
    if (level >= 0) return;
    err->base.num_warnings++;
    switch (err->base.msg_code) {
    case JWRN_JPEG_EOF:
        err->premature_eof = 1;
        break;
    case JWRN_ARITH_BAD_CODE: case JWRN_BOGUS_PROGRESSION: case JWRN_EXTRANEOUS_DATA:
    case JWRN_HIT_MARKER: case JWRN_HUFF_BAD_CODE: case JWRN_MUST_RESYNC: case JWRN_NOT_SEQUENTIAL:
        if (!err->corrupt[0]) (*cinfo->err->format_message)(cinfo, err->corrupt);
        break;
    default:
        break;
    }
}

// Called by libjpeg between pieces of work; stops a file with too many progressive scans.
static void monk_jpeg_progress(j_common_ptr cinfo) {
    monk_jpeg_progress_mgr *progress = (monk_jpeg_progress_mgr *)cinfo->progress;
    if (cinfo->is_decompressor && ((j_decompress_ptr)cinfo)->input_scan_number > MONK_JPEG_MAX_SCANS) {
        progress->too_many_scans = 1;
        cinfo->err->msg_code = JERR_UNKNOWN_MARKER;  // any code: the caller words the message
        (*cinfo->err->error_exit)(cinfo);
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
/// size. A file whose header declares more than `max_pixels` pixels is refused before any
/// pixel memory is reserved. Returns 0 on success, -1 with `error` set otherwise.
static inline int monk_jpeg_decode(const unsigned char *data, unsigned long size,
                                   int target_width, int target_height,
                                   unsigned long long max_pixels,
                                   monk_jpeg_result *result) {
    struct jpeg_decompress_struct cinfo;
    monk_jpeg_error_mgr jerr;
    monk_jpeg_progress_mgr progress;
    unsigned char *volatile pixels = NULL;
    unsigned char *volatile cmyk_row = NULL;
    memset(result, 0, sizeof(*result));
    memset(&progress, 0, sizeof(progress));
    cinfo.err = jpeg_std_error(&jerr.base);
    jerr.base.error_exit = monk_jpeg_error_exit;
    jerr.base.emit_message = monk_jpeg_emit_message;
    jerr.base.output_message = monk_jpeg_output_message;
    jerr.premature_eof = 0;
    jerr.corrupt[0] = 0;
    if (setjmp(jerr.jump)) {
        char buffer[JMSG_LENGTH_MAX];
        (*cinfo.err->format_message)((j_common_ptr)&cinfo, buffer);
        if (progress.too_many_scans) {
            result->too_many_scans = 1;
            snprintf(result->error, sizeof(result->error), "more than %d progressive scans", MONK_JPEG_MAX_SCANS);
        } else {
            snprintf(result->error, sizeof(result->error), "%s", buffer);
        }
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(cmyk_row);
        return -1;
    }
    jpeg_CreateDecompress(&cinfo, JPEG_LIB_VERSION, sizeof(cinfo));
    progress.base.progress_monitor = monk_jpeg_progress;
    cinfo.progress = &progress.base;
    jpeg_mem_src(&cinfo, data, size);
    jpeg_read_header(&cinfo, TRUE);
    result->full_width = (int)cinfo.image_width;
    result->full_height = (int)cinfo.image_height;
    result->progressive = cinfo.progressive_mode ? 1 : 0;
    if ((unsigned long long)cinfo.image_width * cinfo.image_height > max_pixels) {
        result->too_many_pixels = 1;
        snprintf(result->error, sizeof(result->error), "declares %ux%u pixels", cinfo.image_width, cinfo.image_height);
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }

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
    if (jerr.premature_eof || jerr.corrupt[0]) {
        if (jerr.premature_eof) snprintf(result->error, sizeof(result->error), "truncated: premature end of JPEG data");
        else {
            const char *prefix = "Corrupt JPEG data: ";
            const char *why = strncmp(jerr.corrupt, prefix, strlen(prefix)) == 0 ? jerr.corrupt + strlen(prefix) : jerr.corrupt;
            snprintf(result->error, sizeof(result->error), "damaged compressed data (%s)", why);
        }
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
    // Our own encoding of a width x height image: that is all it may declare.
    int status = monk_jpeg_decode(encoded, encoded_size, 0, 0, (unsigned long long)width * (unsigned long long)height, &decoded);
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
