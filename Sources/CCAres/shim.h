// c-ares, from Debian's libc-ares-dev: the DNS resolver library the pre-send check asks SPF,
// DKIM, DMARC and MX records with (of the system's servers, or of the one --dns-server names).
#include <ares.h>
#include <arpa/nameser.h>
