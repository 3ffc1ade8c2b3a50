// libjpeg-turbo: jpeglib.h needs stdio.h first.
#include <stdio.h>
#include <jpeglib.h>
