/* mime_header.h - header sections (RFC 5322 §2.2, §3.6) and the MIME
 * fields with parameters (RFC 2045 §5.1, RFC 2183, RFC 2231). */
#ifndef POSTERN_MIME_HEADER_H
#define POSTERN_MIME_HEADER_H
#include <stddef.h>
#include "bytes.h"
#include "mime_arena.h"

/* One header field as it stands in the buffer. */
struct mime_field {
	const char *name;       /* field name, not NUL-terminated */
	size_t name_len;
	const char *value;      /* after the colon, still folded, up to but */
	size_t value_len;       /* not including the field's last line end */
};

/* Where the header section of p[0..n) ends: the offset just past the
 * empty line that ends it (LF or CRLF), or n when there is none (a
 * header-only message). The body starts at the returned offset. */
size_t mime_header_length(const char *p, size_t n);

/* Iterate the fields of header section h[0..n): *pos starts at 0.
 * Returns 1 with *f set, 0 at the end. A line that is neither a field
 * ("name:" with optional white space before the colon, RFC 5322 §4.5)
 * nor a continuation is skipped, with its continuation lines. */
int mime_header_next(const char *h, size_t n, size_t *pos, struct mime_field *f);

/* The first field named name (case-insensitive) in h[0..n): 1 and *f
 * set, or 0. */
int mime_header_find(const char *h, size_t n, const char *name,
		     struct mime_field *f);

/* Append the unfolded value (RFC 5322 §2.2.3: line ends of folds
 * removed) to out, white space trimmed at both ends, NULs dropped.
 * 0, or -1 (cap, ENOMEM). */
int mime_unfold(const char *v, size_t n, struct bytes *out);

/* A parameter as IMAP shows it. RFC 2231 continuations are joined; when
 * any segment was extended (name*=charset'lang'%XX), name ends in '*'
 * and value is "charset'lang'" followed by the percent-encoded text, as
 * RFC 2231 §4 writes a single extended parameter. */
struct mime_param {
	const char *name;
	const char *value;
};

/* A parsed Content-Type or Content-Disposition field. */
struct mime_ctype {
	const char *type;       /* as written, or NULL when unparsable */
	const char *subtype;    /* NULL for Content-Disposition */
	struct mime_param *params;
	size_t nparams;
};

/* Parse "type/subtype *(; attribute=value)" (has_subtype) or
 * "type *(; ...)" from the unfolded value v, allocating from a.
 * Comments and white space are skipped (RFC 2045 §5.1), values may be
 * tokens or quoted strings, duplicates after the first are dropped, at
 * most MIME_PARAMS_MAX segments are kept. Returns 0 (type NULL when the
 * value is not even "type[/subtype]"), or -1 on ENOMEM. */
int mime_ctype_parse(const char *v, int has_subtype, struct mime_arena *a,
		     struct mime_ctype *ct);

/* The parameter named name (case-insensitive, with or without the
 * trailing '*'), or NULL. */
const struct mime_param *mime_param_find(const struct mime_ctype *ct,
					 const char *name);

/* Append the value of p decoded to UTF-8: an extended value is
 * percent-decoded and converted from its charset. 0 or -1. */
int mime_param_decode(const struct mime_param *p, struct bytes *out);

#endif
