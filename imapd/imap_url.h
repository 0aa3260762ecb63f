/* imap_url.h - the IMAP URLs (RFC 5092) that CATENATE (RFC 4469 §3)
 * takes: relative URLs with an absolute path naming a message, or a
 * part of one, of the authenticated user's own mail:
 *     "/" enc-mailbox [";UIDVALIDITY=" nz-number] "/;UID=" nz-number
 *     ["/;SECTION=" enc-section] ["/;PARTIAL=" offset ["." length]]
 * (keys in any case, %-escapes decoded; the section is any FETCH takes
 * in BODY[...], field lists included, the partial range counts the
 * section's CRLF octets as FETCH's <offset.length> does). A URL with a
 * scheme or server, or URLAUTH, is not one of them. */
#ifndef IMAPD_IMAP_URL_H
#define IMAPD_IMAP_URL_H
#include <stdint.h>
#include "limits.h"

/* "1.2.3.MIME", "HEADER.FIELDS (FROM TO ...)": a field list of the
 * length clients send (FETCH's own is bounded by the command). */
#define IMAP_URL_SECTION_MAX 1024

struct imap_url {
	char mailbox[IMAP_MAILBOX_NAME_MAX + 1];        /* decoded */
	uint32_t uidvalidity;           /* 0: not given */
	uint32_t uid;
	char section[IMAP_URL_SECTION_MAX + 1];         /* decoded, "" none */
	int partial;                    /* ;PARTIAL= given */
	uint32_t offset, length;        /* its range (length UINT32_MAX: to
					 * the end) */
};

/* Parse url (NUL-terminated) into *u. 0, or -1 when it is not such a URL
 * (the caller answers NO [BADURL]). */
int imap_url_parse(const char *url, struct imap_url *u);

#endif
