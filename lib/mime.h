/* mime.h - the structure of an Internet message (RFC 5322, RFC 2045,
 * RFC 2046), parsed once from memory, for imapd's FETCH and SEARCH.
 *
 * What imapd needs, and where it is:
 *   parse            mime_parse / mime_free                  (this file)
 *   RFC822.SIZE      m->size (CRLF octets)                   (this file)
 *   BODYSTRUCTURE    imap_bodystructure(m, IMAP_BODY_EXTENDED, &out)
 *   BODY             imap_bodystructure(m, 0, &out)        (imap_struct.h)
 *   ENVELOPE         imap_envelope(m, m->root, &out), or without parsing
 *                    the body: imap_envelope_header(buf, mime_header_length(
 *                    buf, len), &out)                       (imap_struct.h)
 *   BODY[section]    mime_section_find -> a byte range; send it with
 *                    mime_crlf_append, or mime_crlf_slice for <start.len>;
 *                    HEADER.FIELDS[.NOT]: mime_header_filter (this file,
 *                    mime_encoding.h)
 *   SEARCH HEADER, FROM, TO, CC, BCC, SUBJECT: mime_search_header
 *   SEARCH BODY, TEXT: mime_search_text                     (mime_search.h)
 *   SEARCH SENT*     mime_date_header + mime_date_days      (mime_date.h)
 *   decoded bodies   mime_part_decode (UTF-8), mime_part_unencode (BINARY)
 *   strings          imap_string / imap_nstring             (imap_struct.h)
 *
 * Usage:
 *     struct mime_message *m = mime_parse(buf, len);   // buf stays alive
 *     if (!m) ...ENOMEM...
 *     imap_bodystructure(m, IMAP_BODY_EXTENDED, &out);
 *     mime_section_find(m, "1.2.MIME", 8, &sec);      // BODY[1.2.MIME]
 *     mime_crlf_append(&out, m->buf + sec.off, sec.len);
 *     mime_search_text(m, "needle", 1);                // SEARCH TEXT
 *     mime_free(m);
 *
 * The tree points into the caller's buffer (buf, len): keep it unchanged
 * until mime_free. Offsets are into that buffer, which may have LF or
 * CRLF line ends; sizes and line counts in the parts are those of the
 * CRLF form IMAP sends (see lib/mime_encoding.h).
 *
 * Shape of the tree. The root is the message. Every part has a header (a
 * message's header, or a body part's MIME header) and a body. A multipart
 * has children (its body parts, RFC 2046 §5.1; preamble and epilogue
 * belong to no part). A message/rfc822 (or message/global, RFC 6532)
 * part has one child, the message it encapsulates, whose header is that
 * message's header and which may itself be multipart. Everything else is
 * a leaf.
 *
 * Malformed input never fails the parse, it degrades (RFC 2045 §5.2,
 * RFC 2046 §5.1): no or unparsable Content-Type means text/plain;
 * charset=us-ascii (message/rfc822 inside multipart/digest); a multipart
 * without a boundary parameter, or whose boundary never starts a part,
 * is a text/plain leaf; a missing close delimiter ends the last part at
 * the end of the enclosing body; a message/rfc822 part with a base64 or
 * quoted-printable encoding (forbidden by RFC 2046 §5.2.1; a
 * message/global so encoded, RFC 6532 §3.5, cannot be read in place
 * either) is an opaque application/octet-stream leaf; below
 * MIME_DEPTH_MAX a multipart or message becomes a text/plain leaf; parts
 * after MIME_PARTS_MAX are left out of the tree. */
#ifndef POSTERN_MIME_H
#define POSTERN_MIME_H
#include <stddef.h>
#include "mime_arena.h"
#include "mime_header.h"

struct mime_part {
	size_t header_off, header_len;  /* header, its ending empty line included */
	size_t body_off, body_len;      /* body (for message/rfc822: the message) */
	size_t size;                    /* body octets in CRLF form */
	size_t lines;                   /* body lines (mime_crlf_lines) */
	struct mime_ctype ctype;        /* type/subtype never NULL (defaults) */
	const char *encoding;           /* Content-Transfer-Encoding; NULL: 7bit */
	const char *id;                 /* Content-ID, unfolded; NULL: absent */
	const char *description;        /* Content-Description */
	const char *md5;                /* Content-MD5 */
	const char *location;           /* Content-Location (RFC 2557) */
	struct mime_ctype disposition;  /* type NULL: no Content-Disposition */
	const char **languages;         /* Content-Language tags (RFC 3282) */
	size_t nlanguages;
	struct mime_part *child;        /* first child, or NULL for a leaf */
	struct mime_part *next;         /* next sibling */
	struct mime_part *parent;
	size_t nchildren;
	int depth;                      /* 0 for the root */
};

/* lib/mime's own (mime_file.c): a file read through a window of
 * min(file_len, MIME_WINDOW) octets; NULL when out of memory. */
struct mime_window;
struct mime_window *mime_window_new(int fd, size_t file_len);
void mime_window_free(struct mime_window *w);

struct mime_message {
	const char *buf;                /* the caller's buffer; NULL when the
					 * message is read from a file */
	size_t len;
	size_t size;                    /* whole message in CRLF form: RFC822.SIZE */
	struct mime_part *root;
	size_t nparts;
	struct mime_arena arena;
	struct mime_window *file;       /* mime_parse_file's window, else NULL */
};

/* Parse buf[0..len). Returns the message, or NULL only on ENOMEM. */
struct mime_message *mime_parse(const char *buf, size_t len);
/* Parse the message file fd (its length from fstat) without holding it:
 * the tree is the same as mime_parse's of its bytes, but the file is
 * read through a window of MIME_WINDOW octets, and a header is seen only
 * that far (mime_part_header). With header_only, only the root's header
 * is located (no children, sizes 0): for SEARCH HEADER and its kin. fd
 * must stay open and unchanged until mime_free, which does not close it.
 * Returns the message, or NULL (ENOMEM, fstat failed: errno). */
struct mime_message *mime_parse_file(int fd, int header_only);
/* Free m and its tree; NULL is a no-op. */
void mime_free(struct mime_message *m);

/* Reading the octets of m, whether in memory or in a file. A pointer
 * into m's text is valid until the next call of any of these on m. */

/* The octets [off, off + n) of m, or their start: *got (<= n) of them
 * are there, fewer only past the end of m, beyond MIME_WINDOW octets of
 * a file, or when the file shrank or could not be read (0 then). */
const char *mime_text(const struct mime_message *m, size_t off, size_t n,
		      size_t *got);
/* The first position of c in [pos, end), or end. */
size_t mime_text_find(const struct mime_message *m, size_t pos, size_t end,
		      char c);
/* The octet at off (0-255), or -1 past the end. */
int mime_text_byte(const struct mime_message *m, size_t off);
/* mime_crlf_count (mime_encoding.h) of the octets [off, off + n). */
size_t mime_text_crlf_count(const struct mime_message *m, size_t off,
			    size_t n, size_t *lines);
/* Called with successive pieces of a text: 0 goes on, anything else
 * stops the walk and is its result. */
typedef int mime_sink(void *ctx, const char *p, size_t n);
/* Hand [off, off + n) of m to fn in pieces (one piece for a message in
 * memory). fn's first non-zero result, 0 when all went, -1 when the
 * file ended early or could not be read. */
int mime_text_each(const struct mime_message *m, size_t off, size_t n,
		   mime_sink *fn, void *ctx);

/* The header of part p (*n octets; fewer than p->header_len when a
 * file's header is longer than MIME_WINDOW). Valid as mime_text's. */
const char *mime_part_header(const struct mime_message *m,
			     const struct mime_part *p, size_t *n);

/* 1 when part p is of type/subtype (case-insensitive; subtype NULL
 * matches any), else 0. */
int mime_is(const struct mime_part *p, const char *type, const char *subtype);
/* The encapsulated message of a message/rfc822 or message/global part,
 * else NULL. */
const struct mime_part *mime_part_message(const struct mime_part *p);

/* Which text BODY[section] (RFC 3501 §6.4.5) names. */
enum mime_section_kind {
	MIME_SECTION_ALL,       /* "" or a part number: header and body / body */
	MIME_SECTION_HEADER,    /* HEADER, N.HEADER, N.MIME */
	MIME_SECTION_FIELDS,    /* HEADER.FIELDS: filter with mime_header_filter */
	MIME_SECTION_FIELDS_NOT,/* HEADER.FIELDS.NOT */
	MIME_SECTION_TEXT,      /* TEXT, N.TEXT */
};

struct mime_section {
	enum mime_section_kind kind;
	size_t off, len;        /* the bytes in m->buf, to send in CRLF form */
	const struct mime_part *part;
};

/* Locate the section spec s[0..n), the text inside BODY[...] up to but
 * not including a field list: "", "HEADER", "TEXT", "1", "1.2",
 * "1.2.MIME", "1.HEADER", "2.HEADER.FIELDS", "2.HEADER.FIELDS.NOT",
 * "3.TEXT" (keywords case-insensitive). Rules (RFC 3501 §6.4.5): part 1
 * of a non-multipart message is its body; N.HEADER, N.TEXT and N.1 of a
 * message/rfc822 part N refer to the encapsulated message; N.MIME is
 * part N's own MIME header (not allowed at the top). The ranges follow
 * the buffer exactly: a header includes its ending empty line when the
 * message has one and nothing is added when it has none.
 * Returns 0 with *sec set, or -1 when the syntax is bad or the part does
 * not exist (*sec unchanged; Dovecot answers such a fetch with an empty
 * string, which clients handle best). */
int mime_section_find(const struct mime_message *m, const char *s, size_t n,
		      struct mime_section *sec);

/* Append to out, in CRLF form, the fields of header h[0..n) whose names
 * are (exclude == 0) or are not (exclude != 0) among names[0..count)
 * (case-insensitive), each field whole with its folding, followed by the
 * empty line that RFC 3501 §6.4.5 says ends HEADER.FIELDS data.
 * 0, or -1 (cap, ENOMEM). */
int mime_header_filter(const char *h, size_t n, const char *const *names,
		       size_t count, int exclude, struct bytes *out);

#endif
