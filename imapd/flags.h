/* flags.h - parsing flag lists (RFC 3501 §9 flag-list, STORE, APPEND). */
#ifndef IMAPD_FLAGS_H
#define IMAPD_FLAGS_H
#include <stddef.h>
#include "limits.h"
#include "parse.h"

/* Flags named in a command: system flags as bits, keywords by name
 * (each folder gives them their own letters, lib/store.h). */
struct flag_args {
	unsigned flags;
	size_t count;
	char *keyword[IMAP_KEYWORDS_ARG_MAX];
};

/* One flag: a system flag sets its bit in f->flags; a keyword (atom) is
 * added to f->keyword once. \Recent and unknown "\" flags are refused.
 * 0 or -1 with p->error. */
int flag_parse(struct parse *p, struct flag_args *f);

/* "(" [flag *(SP flag)] ")" into f (cleared first). */
int flag_list_parse(struct parse *p, struct flag_args *f);

#endif
