// Where a Winograd tile's pixels are, for F(2x2,3x3) (winograd.c) and F(4x4,3x3)
// (winograd4.c): the same walk with an output tile of m x m and an input window of
// (m+2) x (m+2). Private to the two kernel files.
#ifndef MONK_WINOGRAD_TILES_H
#define MONK_WINOGRAD_TILES_H
#include "CKernels.h"

/// The (m+2)^2 pixels of a tile's input window, row-major, as indices into the NHWC input
/// counted in pixels; -1 outside the image (callers then read zeros or write to a sink slot).
static inline void monk_tile_window(const MonkWinogradShape *s, long tile, long m, long *pixels) {
    long n = m + 2;
    long image = tile / (s->tileRows * s->tileCols), r = tile % (s->tileRows * s->tileCols);
    long iy0 = m * (r / s->tileCols) - s->padTop, ix0 = m * (r % s->tileCols) - s->padLeft;
    for (long i = 0; i < n; i++) {
        for (long j = 0; j < n; j++) {
            long iy = iy0 + i, ix = ix0 + j;
            pixels[n * i + j] = (iy >= 0 && iy < s->h && ix >= 0 && ix < s->w) ? (image * s->h + iy) * s->w + ix : -1;
        }
    }
}

/// The m^2 output pixels of a tile, row-major, as indices into the NHWC output counted in
/// pixels; -1 past the output's edge.
static inline void monk_tile_outputs(const MonkWinogradShape *s, long tile, long m, long *pixels) {
    long image = tile / (s->tileRows * s->tileCols), r = tile % (s->tileRows * s->tileCols);
    long oy0 = m * (r / s->tileCols), ox0 = m * (r % s->tileCols);
    for (long a = 0; a < m; a++) {
        for (long b = 0; b < m; b++) {
            long oy = oy0 + a, ox = ox0 + b;
            pixels[m * a + b] = (oy < s->oh && ox < s->ow) ? (image * s->oh + oy) * s->ow + ox : -1;
        }
    }
}
#endif
