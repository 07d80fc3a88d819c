// libpsl, from Debian's libpsl-dev: the Public Suffix List, for the organisational domain that
// DMARC alignment compares (example.co.uk, not co.uk).
#include <libpsl.h>
