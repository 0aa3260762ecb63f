/* fetch.h - FETCH attributes (RFC 3501 §6.4.5), parsed by fetch_parse.c
 * and answered by cmd_fetch.c. Part 2 adds ENVELOPE, BODYSTRUCTURE and
 * part numbers here. */
#ifndef IMAPD_FETCH_H
#define IMAPD_FETCH_H
#include <stddef.h>
#include <stdint.h>
#include "parse.h"

enum fetch_kind {
	FETCH_UID, FETCH_FLAGS, FETCH_INTERNALDATE, FETCH_SIZE,
	FETCH_SECTION,          /* BODY[...], BODY.PEEK[...], RFC822* */
};

enum fetch_section {
	SECTION_ALL,            /* BODY[] and RFC822 */
	SECTION_HEADER,         /* BODY[HEADER], RFC822.HEADER */
	SECTION_FIELDS,         /* BODY[HEADER.FIELDS (...)] */
	SECTION_FIELDS_NOT,     /* BODY[HEADER.FIELDS.NOT (...)] */
	SECTION_TEXT,           /* BODY[TEXT], RFC822.TEXT */
};

struct fetch_att {
	enum fetch_kind kind;
	enum fetch_section section;
	int peek;               /* does not set \Seen */
	int partial;            /* <offset.length> given */
	uint32_t offset, length;
	char **fields;          /* for SECTION_FIELDS(_NOT) */
	size_t nfields;
	char *label;            /* name in the response: "BODY[TEXT]<0>" */
};

struct fetch_request {
	size_t count;
	struct fetch_att *v;
	int need_text;          /* some attribute needs the message text */
	int sets_seen;          /* some attribute sets \Seen */
	int has_flags, has_uid;
	int need_date;          /* INTERNALDATE: a stat(2) */
	int need_size;          /* RFC822.SIZE */
};

/* Parse "ALL" / "FAST" / "FULL" / fetch-att / "(" fetch-att *(SP
 * fetch-att) ")" into req (memory from p). 0, or -1 with p->error. */
int fetch_parse(struct parse *p, struct fetch_request *req);

#endif
