/* flags.h - parsing flag lists (RFC 3501 §9 flag-list, STORE, APPEND). */
#ifndef IMAPD_FLAGS_H
#define IMAPD_FLAGS_H
#include "parse.h"

/* One flag: a system flag sets its bit in *flags; a keyword is checked
 * and (in part 1) not kept. \Recent and unknown "\" flags are refused.
 * 0 or -1 with p->error. */
int flag_parse(struct parse *p, unsigned *flags);

/* "(" [flag *(SP flag)] ")" into *flags. */
int flag_list_parse(struct parse *p, unsigned *flags);

#endif
