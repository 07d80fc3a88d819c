// cmark-gfm and its GFM extensions (table, autolink, strikethrough), from Debian's
// libcmark-gfm-dev and libcmark-gfm-extensions-dev.
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
