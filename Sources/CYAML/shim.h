// The system libyaml (Debian's libyaml-dev, pkg-config yaml-0.1). YAMLComposer uses only its
// event parser, whose errors are return codes (no longjmp), so no C wrapper is needed.
#include <yaml.h>
