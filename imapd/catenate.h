/* catenate.h - APPEND ... CATENATE (RFC 4469): a message made of
 * literals and parts of the user's messages named by IMAP URLs. */
#ifndef IMAPD_CATENATE_H
#define IMAPD_CATENATE_H
#include <stddef.h>
#include "imapd.h"

/* One cat-part: TEXT literal (text, or upload when it was streamed to a
 * file) or URL (url). */
struct cat_part {
	int is_url;
	struct string text;             /* the literal, or the URL */
	struct store_upload *upload;    /* a streamed TEXT literal, or NULL */
};

struct catenate {
	struct cat_part *v;             /* memory of the parse */
	size_t n;
};

/* After "CATENATE": SP "(" cat-part *(SP cat-part) ")" (§5), into *c.
 * 0, or -1 with p->error. */
int catenate_parse(struct parse *p, struct catenate *c);

/* Make the message of c into out (begun here, in the Maildir's tmp/,
 * for store_append; the caller calls store_upload_abort on it in every
 * case, a no-op once committed). REPLY_OK, or the NO reply set: [BADURL
 * url] (§4.1: a URL that is not this user's message or part), [TOOBIG]
 * (§4.2: over "maxsize"), "Empty message", [SERVERBUG]. */
enum reply catenate_build(struct session *s, const struct catenate *c,
			  struct store_upload *out);

#endif
