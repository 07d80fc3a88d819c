// libxml2, from Debian's libxml2-dev: parsing, DTD validation through the XML catalog,
// the HTML parser and tree editing for the sanitiser.
#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU, and its headers then include ICU's, which clash with the copy
// of ICU inside Foundation. Only xmlCharEncodingHandler's private fields depend on this, and
// Swift never looks inside that struct.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#include <libxml/catalog.h>
#include <libxml/uri.h>

// `xmlFree` is a global function pointer that some builds turn into a macro; this typed
// wrapper is callable from Swift either way.
static inline void cnl_xml_free(void *pointer) { xmlFree(pointer); }
