/* address.h - RFC 5321 paths and mailboxes (§4.1.2, §4.1.3, §4.5.3.1),
 * with RFC 6531 UTF-8 when asked for. */
#ifndef POSTERN_ADDRESS_H
#define POSTERN_ADDRESS_H
#include <stddef.h>
#include "limits.h"

struct address {
	int null;                               /* the null path <> */
	int utf8;                               /* holds non-ASCII octets */
	char local[ADDRESS_LOCAL_MAX + 1];      /* as on the wire; quoted form kept */
	char domain[ADDRESS_DOMAIN_MAX + 1];    /* domain or [literal]; "" for <postmaster> */
};

#define ADDRESS_ALLOW_NULL        0x01  /* <> is valid (MAIL FROM) */
#define ADDRESS_ALLOW_UTF8        0x02  /* RFC 6531 UTF-8 in local part and domain */
#define ADDRESS_ALLOW_POSTMASTER  0x04  /* <Postmaster> without domain (RCPT, §4.1.1.3) */

/* Parse a path starting at s[0] == '<': "<local@domain>", "<>", a source
 * route "<@a,@b:local@domain>" whose route is ignored (§4.1.2 and
 * Appendix C). Returns the number of characters consumed (through '>'),
 * or -1 with *reason set to a short human-readable explanation (a fixed
 * string, never a copy of the input) and *a zeroed. "<Postmaster>" (any
 * case, with ADDRESS_ALLOW_POSTMASTER) gives local "Postmaster", domain "". */
int address_parse_path(const char *s, struct address *a, int flags,
		       const char **reason);

/* Parse a whole string that is a bare mailbox "local@domain". 0 or -1
 * (as above). The inverse of address_format: with ADDRESS_ALLOW_NULL ""
 * is the null path, with ADDRESS_ALLOW_POSTMASTER "Postmaster" alone. */
int address_parse_mailbox(const char *s, struct address *a, int flags,
			  const char **reason);

/* "local@domain" into buf ("" for the null path, "Postmaster" alone).
 * Returns 0, or -1 when it does not fit. */
int address_format(const struct address *a, char *buf, size_t size);

#endif
