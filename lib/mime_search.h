/* mime_search.h - what IMAP SEARCH (RFC 3501 §6.4.4) needs of a message:
 * case-insensitive substring matching over decoded header values
 * (RFC 2047) and decoded text bodies (base64, quoted-printable, charset
 * to UTF-8). Needles are UTF-8 (SEARCH CHARSET UTF-8 or US-ASCII).
 *
 * Matching folds case on both sides: ASCII, Latin-1, Latin Extended-A,
 * basic Greek and Cyrillic. It does not normalize (no NFC/NFD). */
#ifndef POSTERN_MIME_SEARCH_H
#define POSTERN_MIME_SEARCH_H
#include <stddef.h>
#include "bytes.h"
#include "mime.h"

/* Append UTF-8 p[0..n) case-folded (invalid octets are passed through).
 * 0, or -1 (cap, ENOMEM). */
int mime_fold(const char *p, size_t n, struct bytes *out);

/* The first place of w[0..wn) in s[0..n), or NULL (also when wn is 0):
 * memmem, which is not POSIX. */
const char *mime_find(const char *s, size_t n, const char *w, size_t wn);

/* Append the body of part p with its Content-Transfer-Encoding undone
 * (base64 leniently, quoted-printable per RFC 2045 §6.7 with hard line
 * ends as LF; 7bit, 8bit, binary and unknown ones as they are), octets
 * otherwise untouched: for BINARY[] (RFC 3516). 0, or -1. */
int mime_part_unencode(const struct mime_message *m, const struct mime_part *p,
		       struct bytes *out);

/* Append the body of part p decoded: its Content-Transfer-Encoding
 * undone (base64 leniently, quoted-printable per RFC 2045 §6.7; others
 * as they are), CRLF made LF, and its charset converted to UTF-8.
 * 0, or -1. */
int mime_part_decode(const struct mime_message *m, const struct mime_part *p,
		     struct bytes *out);

/* mime_part_unencode a piece at a time: fn gets the octets in pieces of
 * about MIME_DECODE_PIECE (cut at line ends of the encoded text), never
 * the whole body. fn's first non-zero result, or 0, or -1 (ENOMEM, the
 * file shrank). */
int mime_part_unencode_each(const struct mime_message *m,
			    const struct mime_part *p, mime_sink *fn, void *ctx);
/* mime_part_decode a piece at a time: fn gets UTF-8 text in pieces cut
 * at line ends (a line longer than MIME_DECODE_PIECE at a character's
 * start). Results as mime_part_unencode_each's. */
int mime_part_decode_each(const struct mime_message *m,
			  const struct mime_part *p, mime_sink *fn, void *ctx);

/* SEARCH HEADER/FROM/TO/CC/BCC/SUBJECT: 1 when a field named name
 * (case-insensitive; NULL: any field) in the header of message msg
 * (m->root or an encapsulated message) contains needle, its value
 * unfolded and RFC 2047-decoded; an empty needle matches any such
 * field. 0 when none does, -1 on ENOMEM. */
int mime_search_header(const struct mime_message *m, const struct mime_part *msg,
		       const char *name, const char *needle);

/* SEARCH FROM/TO/CC/BCC (RFC 3501 §6.4.4: "the envelope structure's
 * FROM field"): 1 when the parsed addresses of a field named name in the
 * header of msg contain needle, each address seen as "display name
 * <mailbox@host>" (the name RFC 2047-decoded; comments and quoting of the
 * address itself gone), case-insensitive; an empty needle matches when
 * the field is there. 0 when none does, -1 on ENOMEM. */
int mime_search_address(const struct mime_message *m, const struct mime_part *msg,
			const char *name, const char *needle);
/* Append the unfolded address list v[0..n) as mime_search_address sees
 * it: "name <mailbox@host>, " per address. 0 or -1. */
int mime_address_text(const char *v, size_t n, struct bytes *out);
/* SEARCH BODY (with_header 0) / TEXT (with_header 1): 1 when needle is in
 * the decoded text of a text/ part or in the header of an encapsulated
 * message anywhere in m, or (TEXT) in m's own header. Non-text parts are
 * not searched. An empty needle matches. 0 no, -1 on ENOMEM. */
int mime_search_text(const struct mime_message *m, const char *needle,
		     int with_header);

#endif
