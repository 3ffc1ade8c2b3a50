// zlib's one-shot compress2/uncompress, for the pixel cache's compact entries (zlib comes with
// libpng: Debian's libpng-dev depends on zlib1g-dev).
#include <zlib.h>
