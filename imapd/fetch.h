/* fetch.h - FETCH attributes (RFC 3501 §6.4.5), parsed by fetch_parse.c
 * and answered by cmd_fetch.c. */
#ifndef IMAPD_FETCH_H
#define IMAPD_FETCH_H
#include <stddef.h>
#include <stdint.h>
#include "message.h"
#include "mime.h"
#include "parse.h"

enum fetch_kind {
	FETCH_UID, FETCH_FLAGS, FETCH_INTERNALDATE, FETCH_SIZE,
	FETCH_ENVELOPE,         /* §7.4.2 ENVELOPE */
	FETCH_BODY,             /* BODY: the structure without extensions */
	FETCH_BODYSTRUCTURE,    /* with extension data */
	FETCH_SECTION,          /* BODY[...], BODY.PEEK[...], RFC822* */
	FETCH_BINARY,           /* BINARY[...], BINARY.PEEK[...] (RFC 3516) */
	FETCH_BINARY_SIZE,      /* BINARY.SIZE[...] */
	FETCH_MODSEQ,           /* MODSEQ (RFC 7162 §3.1.4.2) */
};

struct fetch_att {
	enum fetch_kind kind;
	char *spec;             /* section-spec without the field list,
				 * upper case: "", "1.2", "1.HEADER.FIELDS",
				 * as lib/mime's mime_section_find takes it */
	int fields;             /* 1 HEADER.FIELDS, 2 HEADER.FIELDS.NOT */
	int peek;               /* does not set \Seen */
	int partial;            /* <offset.length> given */
	uint32_t offset, length;
	const char **names;     /* the field names for HEADER.FIELDS[.NOT] */
	size_t nfields;
	char *label;            /* name in the response: "BODY[TEXT]<0>" */
};

struct fetch_request {
	size_t count;
	struct fetch_att *v;
	int need_text;          /* a section: the root's header located */
	int need_mime;          /* a section by part number: a full parse */
	int need_envelope, need_structure, need_body;   /* cached, else read */
	int sets_seen;          /* some attribute sets \Seen */
	int has_flags, has_uid, has_modseq;
	int add_modseq;         /* MODSEQ not asked but due (CHANGEDSINCE,
				 * or \Seen set with CONDSTORE enabled) */
	int need_date;          /* INTERNALDATE: a stat(2) */
	int need_size;          /* RFC822.SIZE */
};

/* Parse "ALL" / "FAST" / "FULL" / fetch-att / "(" fetch-att *(SP
 * fetch-att) ")" into req (memory from p). 0, or -1 with p->error. */
int fetch_parse(struct parse *p, struct fetch_request *req);

/* What one message's response is built from (cmd_fetch.c). */
struct fetch_data {
	int fd;                         /* the message file, or -1 */
	struct mime_message *mime;      /* parsed from fd (lib/mime reads it
					 * through a window), when needed */
	int full;                       /* the whole structure, not only
					 * the root's header, is parsed */
	struct bytes tmp;               /* built strings */
	int unknown_cte;                /* a BINARY part's encoding is not
					 * known: the FETCH fails NO
					 * [UNKNOWN-CTE] (RFC 3516 §4.3) */
};

struct session;
/* fetch_binary.c: "BINARY[part]<offset> " and its content decoded
 * (a literal8 "~{n}" when it holds a NUL), or "BINARY.SIZE[part] n",
 * decoded a piece at a time, twice (the size, then the octets).
 * A part that does not exist is empty; one whose encoding is unknown is
 * NIL and sets d->unknown_cte. */
void write_binary(struct session *s, const struct fetch_att *a,
		  struct fetch_data *d);
/* cmd_fetch.c: unsolicited "* n FETCH (UID u ...)" responses of
 * msgs[idx[0..n)] (ascending) for the attribute list atts[0..len) as
 * fetch_parse takes it (checked before): NOTIFY's MessageNew (RFC 5465
 * §5.2) and UPDATE's (§7). Nothing sets \Seen: a BODY[...] is answered
 * as BODY.PEEK[...]. */
void fetch_unsolicited(struct session *s, const char *atts, size_t len,
		       const size_t *idx, size_t n);
/* cmd_fetch.c: the window [*from, *from + *n) of a section of total
 * octets that a's <partial> (RFC 3501 §6.4.5) names, or all of it. */
void fetch_partial(const struct fetch_att *a, size_t total, size_t *from,
		   size_t *n);

#endif
