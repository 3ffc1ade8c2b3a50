// monkpipe's AVX-512 matrix kernel (Sources/CKernels/panels.c, which the 1x1 convolutions'
// forward uses) against OpenBLAS's SkylakeX sgemm on the products of the engine's 1x1
// convolutions at batch 4: checked, then timed (benchmarks/small_batch_RESULTS.md sections 16
// and 17 have the results; section 16's were of this program's own copy of the kernel).
//
// The product C (m x n) = A (m x k, row-major) times B, where B is a layer's weights: B is
// repacked once into 32-column panels (k x 32 floats each) and A is read where it lies, 14
// rows at a time, the whole k summed in 28 registers, so C is written once. OpenBLAS instead
// zeroes C for beta = 0 in a pass of its own, packs both A and B, and reads and writes C again.
// The engine's way of threading is reproduced: two threads, each with single-threaded
// OpenBLAS on half of the rows. The panels are packed outside the timing (a layer packs its
// weights once per call).
//
//   cc -O2 -I Sources/CKernels/include -o gemm_panels benchmarks/gemm_panels_vs_openblas.c Sources/CKernels/panels.c -lopenblas -lpthread -lm
//   OPENBLAS_CORETYPE=SkylakeX ./gemm_panels            # correctness, then every shape
//   OPENBLAS_CORETYPE=SkylakeX ./gemm_panels NT 784 1024 256   # one shape (NT: B is n x k)
//
// Each shape: 9 rounds of (panels, OpenBLAS) alternated, each side's first call untimed;
// prints the medians and the median (min-max) of the rounds' ratios.
#include <cblas.h>
#include "CKernels.h"
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern void openblas_set_num_threads(int);

/// B (k x n, or n x k when `transposed`) into panels of 32 columns, zero past n.
static void pack(const float *b, long ldb, int transposed, long n, long k, float *panels) {
    monk_panels_pack(b, ldb, transposed, n, k, 0, (n + 31) / 32, panels);
}

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static float rnd(void) { return rand() / (float)RAND_MAX - 0.5f; }
static int by_value(const void *x, const void *y) { double a = *(const double *)x, b = *(const double *)y; return a < b ? -1 : a > b; }

/// Largest difference from cblas_sgemm, every tail of m (14 rows) and n (32 columns), padded
/// leading dimensions, beta 0 and 1.
static int check(long m, long n, long k, int transposed, int accumulate, long pad) {
    long lda = k + pad, ldb = (transposed ? k : n) + pad, ldc = n + pad, bsize = (transposed ? n : k) * ldb;
    float *A = malloc(4 * m * lda), *B = malloc(4 * bsize), *C = malloc(4 * m * ldc), *D = malloc(4 * m * ldc);
    float *P = aligned_alloc(64, 4 * monk_panels_floats(n, k) + 64), *S = malloc(4 * monk_panels_scratch_floats(n, k));
    for (long i = 0; i < m * lda; i++) A[i] = rnd();
    for (long i = 0; i < bsize; i++) B[i] = rnd();
    for (long i = 0; i < m * ldc; i++) C[i] = D[i] = rnd();
    pack(B, ldb, transposed, n, k, P);
    monk_panels_gemm(m, n, k, A, lda, P, accumulate, C, ldc, S);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, transposed ? CblasTrans : CblasNoTrans, m, n, k, 1, A, lda, B, ldb,
                accumulate ? 1 : 0, D, ldc);
    double e = 0;
    for (long i = 0; i < m * ldc; i++) e = fmax(e, fabs(C[i] - D[i]));
    free(A); free(B); free(C); free(D); free(P); free(S);
    if (e > 1e-4) printf("differs: m %ld n %ld k %ld transposed %d accumulate %d pad %ld: %g\n", m, n, k, transposed, accumulate, pad, e);
    return e > 1e-4;
}

typedef struct { long m, n, k; const float *A, *B, *P; float *C, *S; int reps, blas, transposed; double seconds; } Job;
static pthread_barrier_t start;
static void call(Job *j) {
    if (j->blas)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, j->transposed ? CblasTrans : CblasNoTrans, j->m, j->n, j->k, 1, j->A, j->k,
                    j->B, j->transposed ? j->k : j->n, 0, j->C, j->n);
    else
        monk_panels_gemm(j->m, j->n, j->k, j->A, j->k, j->P, 0, j->C, j->n, j->S);
}
static void *worker(void *v) {
    Job *j = v;
    call(j);
    pthread_barrier_wait(&start);
    double t = now();
    for (int r = 0; r < j->reps; r++) call(j);
    j->seconds = now() - t;
    return 0;
}

static void measure(int transposed, long M, long N, long K) {
    float *A = aligned_alloc(64, 4 * M * K), *B = aligned_alloc(64, 4 * N * K), *C = aligned_alloc(64, 4 * M * N);
    float *P = aligned_alloc(64, 4 * monk_panels_floats(N, K)), *S[2] = {malloc(4 * monk_panels_scratch_floats(N, K)), malloc(4 * monk_panels_scratch_floats(N, K))};
    for (long i = 0; i < M * K; i++) A[i] = rnd();
    for (long i = 0; i < N * K; i++) B[i] = rnd();
    pack(B, transposed ? K : N, transposed, N, K, P);
    int reps = (int)(8e8 / (2.0 * M * N * K)) + 1;
    long half = M / 2;
    double flops = 2.0 * M * N * K * reps, ours[9], theirs[9], ratio[9];
    for (int round = 0; round < 9; round++) {
        double rate[2];
        for (int blas = 0; blas < 2; blas++) {
            Job a = {half, N, K, A, B, P, C, S[0], reps, blas, transposed, 0};
            Job b = {M - half, N, K, A + half * K, B, P, C + half * N, S[1], reps, blas, transposed, 0};
            pthread_t ta, tb;
            pthread_barrier_init(&start, 0, 2);
            pthread_create(&ta, 0, worker, &a);
            pthread_create(&tb, 0, worker, &b);
            pthread_join(ta, 0);
            pthread_join(tb, 0);
            pthread_barrier_destroy(&start);
            rate[blas] = flops / fmax(a.seconds, b.seconds) / 1e9;
        }
        ours[round] = rate[0]; theirs[round] = rate[1]; ratio[round] = rate[0] / rate[1];
    }
    qsort(ours, 9, sizeof(double), by_value); qsort(theirs, 9, sizeof(double), by_value); qsort(ratio, 9, sizeof(double), by_value);
    printf("%s %5ld %4ld %4ld   panels %6.1f   OpenBLAS %6.1f GFLOP/s   ratio %.2f (%.2f-%.2f)\n", transposed ? "NT" : "NN",
           M, N, K, ours[4], theirs[4], ratio[4], ratio[0], ratio[8]);
    fflush(stdout);
    free(A); free(B); free(C); free(P); free(S[0]); free(S[1]);
}

int main(int argc, char **argv) {
    if (!monk_panels_supported()) { fprintf(stderr, "this experiment needs AVX-512\n"); return 2; }
    openblas_set_num_threads(1);
    if (argc == 5) { measure(argv[1][1] == 'T', atol(argv[2]), atol(argv[3]), atol(argv[4])); return 0; }
    int failures = 0;
    long ms[] = {1, 13, 14, 15, 29, 100}, ns[] = {1, 15, 16, 17, 31, 32, 33, 64, 100}, ks[] = {1, 3, 64, 77};
    for (int a = 0; a < 6; a++) for (int b = 0; b < 9; b++) for (int c = 0; c < 4; c++)
        for (int t = 0; t < 2; t++) for (int acc = 0; acc < 2; acc++) for (int pad = 0; pad < 8; pad += 7)
            failures += check(ms[a], ns[b], ks[c], t, acc, pad);
    printf("%d shapes checked against cblas_sgemm, %d differ\n", 6 * 9 * 4 * 2 * 2 * 2, failures);
    if (failures) return 1;
    // Rows are batch 4's M (both threads together): forward y = x W^T (NT), n = outputs, k =
    // inputs; dx = dy W (NN), n = inputs, k = outputs. ResNet-50's 1x1 layers at 56, 28, 14 and
    // 7 pixels, then DenseNet-121's bottlenecks (-> 128) and its F(4x4) Winograd products of
    // the 3x3 128 -> 32 layers (M = tiles).
    static const long shapes[][4] = {
        {1, 12544, 256, 64}, {1, 12544, 64, 256}, {1, 12544, 128, 256}, {0, 12544, 64, 256}, {0, 12544, 256, 64},
        {1, 3136, 512, 128}, {1, 3136, 128, 512}, {0, 3136, 128, 512}, {0, 3136, 512, 128},
        {1, 784, 1024, 256}, {1, 784, 256, 1024}, {0, 784, 256, 1024}, {0, 784, 1024, 256},
        {1, 196, 2048, 512}, {1, 196, 512, 2048},
        {1, 12544, 128, 64}, {1, 12544, 128, 128}, {1, 3136, 128, 256}, {1, 3136, 128, 480}, {1, 784, 128, 512},
        {1, 784, 128, 1000}, {1, 196, 128, 1000},
        {0, 784, 32, 128}, {0, 784, 128, 32}, {0, 196, 32, 128}, {0, 3136, 32, 128}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) measure((int)shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][3]);
    return 0;
}
