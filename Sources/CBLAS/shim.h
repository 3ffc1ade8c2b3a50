// Declarations only: MonkEngine resolves the cblas_* symbols with dlopen/dlsym (BLAS.swift).
#include <cblas.h>
