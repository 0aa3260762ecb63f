/* search.h - SEARCH keys (RFC 3501 §6.4.4) parsed into a tree by
 * search_parse.c and evaluated per message by cmd_search.c. */
#ifndef IMAPD_SEARCH_H
#define IMAPD_SEARCH_H
#include <stdint.h>
#include "parse.h"

enum key_kind {
	KEY_ALL, KEY_FLAG_SET, KEY_FLAG_CLEAR, KEY_NEW, KEY_OLD, KEY_RECENT,
	KEY_SEQ, KEY_UID, KEY_NOT, KEY_OR, KEY_AND, KEY_LARGER, KEY_SMALLER,
	KEY_KEYWORD, KEY_UNKEYWORD,
	KEY_BEFORE, KEY_ON, KEY_SINCE,                  /* INTERNALDATE */
	KEY_SENTBEFORE, KEY_SENTON, KEY_SENTSINCE,      /* Date: */
	KEY_HEADER,             /* HEADER, SUBJECT */
	KEY_ADDRESS,            /* FROM, TO, CC, BCC: parsed addresses */
	KEY_BODY, KEY_TEXT,
};

/* What evaluating a tree needs from each message, cheapest first. */
#define SEARCH_NEEDS_SIZE   0x01        /* RFC822.SIZE */
#define SEARCH_NEEDS_DATE   0x02        /* the file's mtime */
#define SEARCH_NEEDS_HEADER 0x04        /* the header */
#define SEARCH_NEEDS_TEXT   0x08        /* the whole message */

struct key {
	enum key_kind kind;
	unsigned flag;
	uint32_t number;
	long days;              /* date keys: days since 1970-01-01 */
	const char *field;      /* KEY_HEADER: the field name */
	const char *string;     /* needle, keyword name */
	struct seqset set;
	struct key *a, *b;      /* NOT: a; OR: a, b; AND: list via b */
};

/* Parse search-key *(SP search-key) to the end of the command into k (an
 * AND chain; memory from p) and or into *needs what it needs
 * (SEARCH_NEEDS_*). 0, or -1 with p->error. */
int search_parse(struct parse *p, struct key *k, unsigned *needs);

#endif
