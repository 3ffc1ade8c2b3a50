// Memory passes of monkpipe's Winograd F(2x2,3x3) and F(4x4,3x3) convolutions, in C so each is compiled for
// AVX-512, AVX2 and baseline x86-64 and picked at load time (Swift code is compiled for the
// baseline only, where a 16-float vector is four SSE registers), and an AVX-512 matrix
// product for the 1x1 layers (panels.c).
#ifndef MONK_CKERNELS_H
#define MONK_CKERNELS_H

/// Sizes of one NHWC convolution call and its m x m output tiles (m = 2 or 4).
typedef struct {
    long h, w, c;           // input rows, columns, channels
    long oh, ow, o;         // output rows, columns, channels
    long padTop, padLeft;   // zero pixels before the first input row / column
    long tileRows, tileCols; // tiles per image: ceil(oh/m) x ceil(ow/m)
} MonkWinogradShape;

/// Scratch the tile loops use for pixels outside the image: `zeros` holds c (or o) zeros
/// and is only read; `sink` has room for 16 (F(4x4): 36) * max(c, o) floats and receives writes that fall
/// outside the image, so every tile runs the same branch-free loop.
typedef struct {
    const float *zeros;
    float *sink;
} MonkWinogradEdges;

// The transformed planes are [16][tiles][channels]: position p of tile t (counted from 0 at
// `first`) and channel k is at p * plane + t * channels + k. Callers pad `plane` past a power
// of two, so the 16 streams a loop writes do not all map to the same cache sets.

/// v[p][t][c] = (B^T d B)[p] for the 4x4 input window d of tiles first ..< first+count;
/// x is the whole NHWC input.
void monk_winograd_input(const float *x, const MonkWinogradShape *s, long first, long count,
                         float *v, long plane, MonkWinogradEdges edges);

/// dx[window of each tile] += (B dv[.][t] B^T), the adjoint of monk_winograd_input.
void monk_winograd_input_adjoint(const float *dv, long plane, const MonkWinogradShape *s, long first,
                                 long count, float *dx, MonkWinogradEdges edges);

/// y[2x2 outputs of each tile] = (A^T m[.][t] A) + bias (bias may be NULL).
void monk_winograd_output(const float *m, long plane, const MonkWinogradShape *s, long first, long count,
                          const float *bias, float *y, MonkWinogradEdges edges);

/// dm[p][t][o] = (A dy A^T)[p] for each tile's 2x2 output gradients (zero past the edge).
void monk_winograd_output_adjoint(const float *dy, const MonkWinogradShape *s, long first, long count,
                                  float *dm, long plane, MonkWinogradEdges edges);

/// u[p][k][c] = (G w[k,:,:,c] G^T)[p] for filters k in first ..< first+count of OHWI weights;
/// positions are `plane` floats apart.
void monk_winograd_filters(const float *w, const MonkWinogradShape *s, long first, long count, float *u,
                           long plane);

/// dw[k,ky,kx,c] += (G^T du G)[ky,kx] for filters k in first ..< first+count, where du is the
/// sum of `partials` consecutive blocks of 16 planes, `plane` floats apart (summed into the
/// first block, in place).
void monk_winograd_filters_adjoint(float *du, long plane, long partials, const MonkWinogradShape *s,
                                   long first, long count, float *dw);

// F(4x4,3x3) (winograd4.c): the same six passes on 6x6 input windows (stride 4), 36 positions
// per tile, and 4x4 output tiles.
void monk_winograd4_input(const float *x, const MonkWinogradShape *s, long first, long count,
                          float *v, long plane, MonkWinogradEdges edges);
void monk_winograd4_input_adjoint(const float *dv, long plane, const MonkWinogradShape *s, long first,
                                  long count, float *dx, MonkWinogradEdges edges);
void monk_winograd4_output(const float *m, long plane, const MonkWinogradShape *s, long first, long count,
                           const float *bias, float *y, MonkWinogradEdges edges);
void monk_winograd4_output_adjoint(const float *dy, const MonkWinogradShape *s, long first, long count,
                                   float *dm, long plane, MonkWinogradEdges edges);
void monk_winograd4_filters(const float *w, const MonkWinogradShape *s, long first, long count, float *u,
                            long plane);
void monk_winograd4_filters_adjoint(float *du, long plane, long partials, const MonkWinogradShape *s,
                                    long first, long count, float *dw);

// Polyphase F(2x2, 3x3, stride 2) (polyphase.c): the same six passes on 5x5 input windows at
// stride 4, 25 transformed slots per tile (ordered so that slots sharing a filter plane are
// consecutive; see polyphase.c) and 16 filter planes. `plane` is the stride between slots
// (inputs, products; each of the 16 slot groups after the first starts 16 floats further on,
// so a buffer of slots takes 25 * plane + 240 floats) or filter planes; the sink needs room for
// 25 * max(c, o) floats.
void monk_polyphase_input(const float *x, const MonkWinogradShape *s, long first, long count, float *v, long plane,
                          MonkWinogradEdges edges);
void monk_polyphase_input_adjoint(const float *dv, long plane, const MonkWinogradShape *s, long first, long count,
                                  float *dx, MonkWinogradEdges edges);
void monk_polyphase_output(const float *mm, long plane, const MonkWinogradShape *s, long first, long count,
                           const float *bias, float *y, MonkWinogradEdges edges);
void monk_polyphase_output_adjoint(const float *dy, const MonkWinogradShape *s, long first, long count, float *dm,
                                   long plane, MonkWinogradEdges edges);
void monk_polyphase_filters(const float *w, const MonkWinogradShape *s, long first, long count, float *u,
                            long plane);
void monk_polyphase_filters_adjoint(float *du, long plane, long partials, const MonkWinogradShape *s, long first,
                                    long count, float *dw);

// Matrix products for thin layers on AVX-512 (panels.c): C[m x n] = A[m x k] B[k x n] (+ C when
// `accumulate`), row-major with leading dimensions, B packed beforehand into panels of 32
// columns (k x 32 floats each, zero past n). `scratch` holds monk_panels_scratch_floats(n, k)
// floats. monk_panels_gemm may only be called when monk_panels_supported() returns 1.
int monk_panels_supported(void);
long monk_panels_floats(long n, long k);
long monk_panels_scratch_floats(long n, long k);
/// Packs panels first ..< first+count of B: k x n (ldb apart), or n x k when `transposed`.
void monk_panels_pack(const float *b, long ldb, int transposed, long n, long k, long first, long count,
                      float *panels);
void monk_panels_gemm(long m, long n, long k, const float *a, long lda, const float *panels, int accumulate,
                      float *c, long ldc, float *scratch);

#endif
