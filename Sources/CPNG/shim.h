// libpng 1.6, simplified API (no setjmp needed).
#include <png.h>
