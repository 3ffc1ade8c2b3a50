// A matrix product for thin layers on AVX-512: C = A B (+ C), where B (a layer's weights) has
// been packed into panels of 32 columns and A (activations, or output gradients) is read where
// it lies. Each block of 14 rows x 32 columns sums the whole k in 28 zmm registers and writes
// C once; OpenBLAS instead zeroes C in a pass of its own when beta = 0, packs both operands
// and reads C back (benchmarks/small_batch_RESULTS.md sections 16 and 17). Only the block
// loops need AVX-512; they are compiled for it by attribute and called only when
// monk_panels_supported() says the CPU has it.
#include "CKernels.h"
#include <string.h>

#define PANEL 32
#define ROWS 14

long monk_panels_floats(long n, long k) { return (n + PANEL - 1) / PANEL * PANEL * k; }

long monk_panels_scratch_floats(long n, long k) { return ROWS * (k + n); }

static void pack_scalar(const float *b, long ldb, int transposed, long n, long k, long first, long count,
                        float *panels) {
    for (long panel = first; panel < first + count; panel++) {
        long j0 = panel * PANEL, width = n - j0 < PANEL ? n - j0 : PANEL;
        float *p = panels + j0 * k;
        if (transposed) {
            // B is n x k: column j of the product is row j of b. 64 of k at a time, so the
            // 8 KB of panel being written stays in L1 while the 32 rows are read in order.
            for (long r0 = 0; r0 < k; r0 += 64) {
                long r1 = k - r0 < 64 ? k : r0 + 64;
                for (long c = 0; c < width; c++) {
                    const float *row = b + (j0 + c) * ldb;
                    for (long r = r0; r < r1; r++) p[r * PANEL + c] = row[r];
                }
            }
        } else {
            for (long r = 0; r < k; r++) memcpy(p + r * PANEL, b + r * ldb + j0, (size_t)width * sizeof(float));
        }
        if (width < PANEL)
            for (long r = 0; r < k; r++) memset(p + r * PANEL + width, 0, (size_t)(PANEL - width) * sizeof(float));
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
#define AVX512 __attribute__((target("avx512f,fma")))

int monk_panels_supported(void) {
    static int known = -1;  // a benign race: every thread computes the same answer
    if (known < 0) {
        __builtin_cpu_init();
        known = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
    }
    return known;
}

/// ROWS x 32 outputs over the whole k; `low` and `high` mask the columns kept of each half.
AVX512 static inline void block(long k, const float *a, long lda, const float *p, float *c, long ldc,
                                int accumulate, __mmask16 low, __mmask16 high) {
    __m512 acc[ROWS][2];
    for (int i = 0; i < ROWS; i++) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
    for (long r = 0; r < k; r++, p += PANEL) {
        __m512 b0 = _mm512_loadu_ps(p), b1 = _mm512_loadu_ps(p + 16);
#pragma GCC unroll 14
        for (int i = 0; i < ROWS; i++) {
            __m512 ai = _mm512_set1_ps(a[i * lda + r]);
            acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
        }
    }
    for (int i = 0; i < ROWS; i++) {
        float *ci = c + i * ldc;
        if (accumulate) {
            acc[i][0] = _mm512_add_ps(acc[i][0], _mm512_maskz_loadu_ps(low, ci));
            acc[i][1] = _mm512_add_ps(acc[i][1], _mm512_maskz_loadu_ps(high, ci + 16));
        }
        _mm512_mask_storeu_ps(ci, low, acc[i][0]);
        _mm512_mask_storeu_ps(ci + 16, high, acc[i][1]);
    }
}

AVX512 static void row_block(long k, const float *a, long lda, const float *panels, long n, float *c, long ldc,
                             int accumulate) {
    for (long j0 = 0; j0 < n; j0 += PANEL) {
        long w = n - j0;
        __mmask16 low = w >= 16 ? 0xFFFF : (__mmask16)((1u << w) - 1);
        __mmask16 high = w >= 32 ? 0xFFFF : w <= 16 ? 0 : (__mmask16)((1u << (w - 16)) - 1);
        block(k, a, lda, panels + j0 * k, c + j0, ldc, accumulate, low, high);
    }
}

/// The transposed pack of whole panels: 16 columns of one k at a time, gathered from 16 rows
/// of b (n 128, k 1000: 0.03 ms against the scalar loop's 0.06, blocked, and 0.29 unblocked).
AVX512 static void pack_gathered(const float *b, long ldb, long k, long panel, float *panels) {
    const float *rows = b + panel * PANEL * ldb;
    float *p = panels + panel * PANEL * k;
    __m512i lo = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                    _mm512_set1_epi32((int)ldb));
    const float *upper = rows + 16 * ldb;
    for (long r = 0; r < k; r++, p += PANEL) {
        _mm512_storeu_ps(p, _mm512_i32gather_ps(lo, rows + r, 4));
        _mm512_storeu_ps(p + 16, _mm512_i32gather_ps(lo, upper + r, 4));
    }
}

void monk_panels_pack(const float *b, long ldb, int transposed, long n, long k, long first, long count,
                      float *panels) {
    long whole = n / PANEL;
    if (!transposed || ldb * PANEL > 0x7fffffffL || !monk_panels_supported()) {
        pack_scalar(b, ldb, transposed, n, k, first, count, panels);
        return;
    }
    for (long panel = first; panel < first + count; panel++) {
        if (panel < whole) pack_gathered(b, ldb, k, panel, panels);
        else pack_scalar(b, ldb, transposed, n, k, panel, 1, panels);
    }
}

void monk_panels_gemm(long m, long n, long k, const float *a, long lda, const float *panels, int accumulate,
                      float *c, long ldc, float *scratch) {
    long whole = m - m % ROWS, rest = m - whole;
    for (long i0 = 0; i0 < whole; i0 += ROWS) row_block(k, a + i0 * lda, lda, panels, n, c + i0 * ldc, ldc, accumulate);
    if (rest == 0) return;
    // The last rows go through scratch, padded with zero rows, so the block loop stays whole.
    float *ta = scratch, *tc = scratch + ROWS * k;
    for (long i = 0; i < ROWS; i++) {
        if (i < rest) memcpy(ta + i * k, a + (whole + i) * lda, (size_t)k * sizeof(float));
        else memset(ta + i * k, 0, (size_t)k * sizeof(float));
    }
    for (long i = 0; i < rest; i++) memcpy(tc + i * n, c + (whole + i) * ldc, (size_t)n * sizeof(float));
    row_block(k, ta, k, panels, n, tc, n, accumulate);
    for (long i = 0; i < rest; i++) memcpy(c + (whole + i) * ldc, tc + i * n, (size_t)n * sizeof(float));
}
#else
int monk_panels_supported(void) { return 0; }

void monk_panels_pack(const float *b, long ldb, int transposed, long n, long k, long first, long count,
                      float *panels) {
    pack_scalar(b, ldb, transposed, n, k, first, count, panels);
}

void monk_panels_gemm(long m, long n, long k, const float *a, long lda, const float *panels, int accumulate,
                      float *c, long ldc, float *scratch) {
    (void)m; (void)n; (void)k; (void)a; (void)lda; (void)panels; (void)accumulate; (void)c; (void)ldc; (void)scratch;
    __builtin_trap();
}
#endif
