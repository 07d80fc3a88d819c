// libidn2, from Debian's libidn2-dev: internationalised domain names (IDNA 2008) to their
// ASCII form, as SMTP needs them.
#include <idn2.h>
