/* imap_struct.h - the IMAP forms of a parsed message (RFC 3501 §7.4.2):
 * ENVELOPE, BODY and BODYSTRUCTURE, and IMAP strings. Each function
 * appends to out and returns 0, or -1 (cap, ENOMEM) with out holding a
 * partial result the caller should discard. */
#ifndef POSTERN_IMAP_STRUCT_H
#define POSTERN_IMAP_STRUCT_H
#include <stddef.h>
#include "bytes.h"
#include "mime.h"

/* p[0..n) as an IMAP string (§4.3): a quoted string ("\" and "\\"
 * escaped) when it is 7-bit without CR, LF or NUL and short, else a
 * literal "{N}\r\n" followed by the octets. NULs are dropped. */
int imap_string(struct bytes *out, const char *p, size_t n);
/* s as an IMAP nstring: NIL when s is NULL, else imap_string. */
int imap_nstring(struct bytes *out, const char *s);

/* The ENVELOPE of message msg (m->root, or the child of a message/rfc822
 * part): date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to,
 * message-id. Values are the first field of each name, unfolded,
 * encoded words left as they are; an address field given several times
 * (From, To, Cc, ...) counts as one list of all their addresses. Sender and Reply-To default to From
 * when absent or empty; an absent or empty address field is NIL. */
int imap_envelope(const struct mime_message *m, const struct mime_part *msg,
		  struct bytes *out);
/* The same from a header section h[0..n) alone, without parsing the
 * message: for FETCH ENVELOPE, read the file only up to its empty line
 * (mime_header_length) and call this. */
int imap_envelope_header(const char *h, size_t n, struct bytes *out);

/* The first nstring of an ENVELOPE as imap_envelope writes it (the Date
 * field's value) into out, unescaped. 1, 0 NIL, -1 not an envelope. */
int imap_envelope_date(const char *env, size_t n, struct bytes *out);

/* Flags of imap_bodystructure. */
#define IMAP_BODY_EXTENDED 0x01 /* BODYSTRUCTURE: with the extension data
				 * (parameters, MD5, disposition, language,
				 * location); without it: BODY */
#define IMAP_BODY_REV2     0x02 /* IMAP4rev2 (RFC 9051 §9 media-message):
				 * message/global shown like message/rfc822,
				 * with envelope, body and lines; IMAP4rev1
				 * grammar knows only MESSAGE/RFC822, so
				 * without this flag it is a basic part */

/* BODYSTRUCTURE or BODY (see the flags) of the whole message m. Sizes
 * are in CRLF octets; types and encodings are shown as written (defaults:
 * "text" "plain", "7bit"). */
int imap_bodystructure(const struct mime_message *m, int flags,
		       struct bytes *out);

#endif
