/* mime_address.h - address lists of RFC 5322 §3.4 (From, To, Cc, ...),
 * read leniently, as IMAP's ENVELOPE wants them (RFC 3501 §7.4.2). */
#ifndef POSTERN_MIME_ADDRESS_H
#define POSTERN_MIME_ADDRESS_H
#include <stddef.h>

/* One element of a list. The strings are NUL-terminated, valid only
 * during the callback; NULL stands for NIL. A group is reported as a
 * start (name NULL, adl NULL, mailbox = the group's display name, host
 * NULL) and an end (all four NULL), RFC 3501 §7.4.2. */
struct mime_address {
	const char *name;       /* display name (quotes and escapes removed,
				 * words joined by one space; encoded words
				 * left as they are), or the comment of
				 * "addr (comment)" when there is no name */
	const char *adl;        /* obsolete source route "@a,@b", or NULL */
	const char *mailbox;    /* local part as written (a quoted one keeps
				 * its quotes); "MISSING_MAILBOX" when absent */
	const char *host;       /* domain; "MISSING_DOMAIN" when the address
				 * has none (NULL would read as a group) */
};

/* Parse the unfolded address list v and call emit once per element, in
 * order. Syntax errors skip to the next ',' ; empty elements are
 * skipped. Returns 0, the first nonzero value emit returned, or -1 on
 * ENOMEM. */
int mime_address_parse(const char *v,
		       int (*emit)(void *ctx, const struct mime_address *a),
		       void *ctx);

#endif
