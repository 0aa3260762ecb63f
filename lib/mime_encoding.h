/* mime_encoding.h - the byte-level codecs behind lib/mime: line ends as
 * IMAP sends them, quoted-printable (RFC 2045 §6.7), RFC 2047 encoded
 * words, and charsets to UTF-8.
 *
 * Line ends: postern stores messages with LF line ends (Maildir) but IMAP
 * sends them with CRLF. Every size IMAP reports (RFC822.SIZE, body sizes
 * in BODYSTRUCTURE, BODY[...]<partial> offsets) counts the CRLF form, and
 * that form is defined by one rule, used by both mime_crlf_size and
 * mime_crlf_append: each LF not preceded by CR becomes CRLF; every other
 * byte (a CRLF pair, a bare CR) is sent as it is. A buffer that already
 * has CRLF line ends is therefore sent unchanged. */
#ifndef POSTERN_MIME_ENCODING_H
#define POSTERN_MIME_ENCODING_H
#include <stddef.h>
#include "bytes.h"

/* Octets of p[0..n) in CRLF form (see above). */
size_t mime_crlf_size(const char *p, size_t n);
/* Text lines of p[0..n) as BODYSTRUCTURE counts them: the number of line
 * ends (a last line without one is not counted, as Dovecot and Cyrus
 * count). */
size_t mime_crlf_lines(const char *p, size_t n);
/* Both at once: returns mime_crlf_size and sets *lines (when not NULL)
 * to mime_crlf_lines. */
size_t mime_crlf_count(const char *p, size_t n, size_t *lines);
/* Append p[0..n) in CRLF form to out. 0, or -1 (cap, ENOMEM) with out
 * possibly holding part of it. */
int mime_crlf_append(struct bytes *out, const char *p, size_t n);

/* p[0..n) in CRLF form into out (room for 2n octets), for a text
 * converted a piece at a time: *prev is the octet before p (0 before the
 * first piece) and is left at p's last. Returns the octets written. */
size_t mime_crlf_piece(char *prev, const char *p, size_t n, char *out);

/* Append to out the octets [start, start + len) of p[0..n)'s CRLF form,
 * for BODY[...]<start.len> partial fetches (RFC 3501 §6.4.5): a range
 * may begin or end between the CR and LF made from a bare LF. A range
 * past the end is cut short (empty when start is beyond it).
 * 0, or -1 (cap, ENOMEM). */
int mime_crlf_slice(struct bytes *out, const char *p, size_t n, size_t start,
		    size_t len);

/* Decode quoted-printable p[0..n) (RFC 2045 §6.7) and append to out:
 * =XX (either case) to the octet, "=" before a line end (trailing white
 * space allowed) is a soft break, trailing white space of a hard line is
 * deleted (rule 3), a malformed "=" is kept as it is. Hard line ends come
 * out as LF. With header != 0 it is RFC 2047's "Q" variant ("_" is a
 * space, no lines). 0, or -1 (cap, ENOMEM). */
int mime_qp_decode(const char *p, size_t n, int header, struct bytes *out);

/* Append p[0..n), in the named charset (NULL or unknown: see below), as
 * UTF-8. Known: UTF-8, US-ASCII, ISO-8859-1/Latin-1 and Windows-1252
 * (read as Windows-1252, as WHATWG does), ISO-8859-15. Anything else,
 * and any octet that is not valid UTF-8 where UTF-8 is expected, is read
 * as Windows-1252: a sensible fallback, since most mislabelled mail is
 * Latin-1. NULs are dropped. The output is always valid UTF-8.
 * 0, or -1 (cap, ENOMEM). */
int mime_charset_to_utf8(const char *charset, const char *p, size_t n,
			 struct bytes *out);

/* Decode a header value p[0..n) that may hold RFC 2047 encoded words
 * ("=?charset?B|Q?text?=", with an optional "*lang" after the charset)
 * and append it to out as UTF-8. White space between two adjacent
 * encoded words is dropped (§6.2); adjacent words of one charset are
 * joined before conversion, so a character split between them survives.
 * Malformed words are kept literally; other text goes through
 * mime_charset_to_utf8(NULL, ...). 0, or -1 (cap, ENOMEM). */
int mime_rfc2047_decode(const char *p, size_t n, struct bytes *out);

/* Decode one UTF-8 sequence at p[0..n): returns its length (1-4) and
 * sets *cp, or 0 when it is not valid UTF-8 (overlong, surrogate, short,
 * above U+10FFFF). */
size_t mime_utf8_decode(const char *p, size_t n, unsigned *cp);
/* Append code point cp as UTF-8. 0 or -1. */
int mime_utf8_append(struct bytes *out, unsigned cp);

#endif
